package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoder as the server uses it: in a pipeline whose last handler closes the connection on a framing error. */
class PipelineTest {

    /** Records packets and errors; closes the channel on a {@link FrameException}, as the server does. */
    static final class Receiver extends ChannelInboundHandlerAdapter {
        final List<String> packets = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            packets.add(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
            ctx.close();
        }
    }

    @Test
    void aFramingErrorReachesExceptionCaughtUnwrappedOnceAndTheConnectionCloses() {
        Receiver receiver = new Receiver();
        FrameSpec spec = FrameSpec.from(Map.of("open_length_check", true, "package_length_type", "n",
                "package_body_offset", 2, "package_max_length", 64));
        EmbeddedChannel ch = new EmbeddedChannel(spec.newDecoder(), receiver);
        ByteBuf in = Unpooled.wrappedBuffer(new byte[]{0, 2, 'o', 'k', 0, 2, 'h', 'i', 0x7F, 0});
        ch.writeInbound(in);
        assertThat(receiver.packets).containsExactly("\0\2ok", "\0\2hi");
        assertThat(receiver.errors).singleElement().isInstanceOfSatisfying(FrameException.class,
                e -> assertThat(e.error()).isEqualTo(ErrorCode.PACKAGE_LENGTH_TOO_LARGE));
        assertThat(ch.isOpen()).isFalse();
        assertThat(in.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aDeliveredPacketStaysIntactWhileMoreInputArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(
                FrameSpec.from(Map.of("open_eof_split", true, "package_eof", "\n")).newDecoder());
        ByteBuf buffered = Unpooled.buffer(256);
        buffered.writeBytes("first\nsec".getBytes(StandardCharsets.US_ASCII));
        ch.writeInbound(buffered);
        ByteBuf first = ch.readInbound();
        // keep "first\n" (held by another thread, say) while the decoder appends to and compacts its buffer
        for (int i = 0; i < 100; i++) {
            ch.writeInbound(Unpooled.copiedBuffer("ond-" + i + "\nthi", StandardCharsets.US_ASCII));
            ByteBuf next = ch.readInbound();
            next.release();
        }
        assertThat(ByteBufUtil.getBytes(first)).isEqualTo("first\n".getBytes(StandardCharsets.US_ASCII));
        first.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
        assertThat(buffered.refCnt()).isZero();
    }
}
