package io.jswoole.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One connection's decoder in an {@link EmbeddedChannel}: feeds chunks, collects the emitted packets as byte
 * arrays (releasing them), and on {@link #close()} checks that every buffer it fed was released.
 */
final class Harness implements AutoCloseable {
    final EmbeddedChannel channel;
    final FrameDecoder decoder;
    private final List<ByteBuf> fed = new ArrayList<>();
    private int writes;

    Harness(FrameSpec spec) {
        this(spec.newDecoder());
    }

    Harness(ChannelHandler decoder) {
        this.decoder = (FrameDecoder) decoder;
        this.channel = new EmbeddedChannel(decoder);
    }

    /** Feeds one chunk (alternately as a heap and a direct buffer) and answers the packets it completed. */
    List<byte[]> write(byte[] chunk, int from, int to) {
        ByteBuf buf = (writes++ & 1) == 0 ? Unpooled.buffer(to - from) : Unpooled.directBuffer(to - from);
        buf.writeBytes(chunk, from, to - from);
        fed.add(buf);
        channel.writeInbound(buf);
        return drain();
    }

    List<byte[]> write(byte[] chunk) {
        return write(chunk, 0, chunk.length);
    }

    /** Feeds {@code stream} cut at the given ascending offsets. */
    List<byte[]> feed(byte[] stream, int... cuts) {
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            if (cut > from && cut < stream.length) {
                out.addAll(write(stream, from, cut));
                from = cut;
            }
        }
        if (from < stream.length) {
            out.addAll(write(stream, from, stream.length));
        }
        return out;
    }

    /** Feeds {@code stream} one byte per read. */
    List<byte[]> feedBytewise(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            out.addAll(write(stream, i, i + 1));
        }
        return out;
    }

    private List<byte[]> drain() {
        List<byte[]> out = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            out.add(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        for (ByteBuf b : fed) {
            assertThat(b.refCnt()).as("fed buffer released").isZero();
        }
    }
}
