package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The responses of a batch leave as one direct buffer, in order, and nothing else changes place or is lost. */
class CoalescerTest {
    private static ByteBuf heap(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    @Test
    void smallHeapBuffersOfABatchLeaveAsOneDirectBuffer() {
        EmbeddedChannel ch = new EmbeddedChannel(new Coalescer());
        ByteBuf a = heap("one,"), b = heap("two,"), c = heap("three");
        ch.write(a, ch.voidPromise());
        ch.write(b, ch.voidPromise());
        ch.write(c, ch.voidPromise());
        assertThat(ch.unsafe().outboundBuffer().totalPendingWriteBytes()).as("held until the flush").isZero();
        ch.flush();
        ByteBuf out = ch.readOutbound();
        assertThat(out.isDirect()).isTrue();
        assertThat(out.capacity()).as("exactly the batch's size").isEqualTo(13);
        assertThat(text(out)).isEqualTo("one,two,three");
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(a.refCnt() + b.refCnt() + c.refCnt()).as("the pieces are released").isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    /** The copy into the batch by memory address (Netty with Unsafe, as the launcher runs it) and through NIO. */
    @Test
    void theBatchIsTheSameWhetherItsMemoryHasAnAddressOrNot() {
        assertThat(io.netty.util.internal.PlatformDependent.hasUnsafe()).as("the tests run as the launcher does")
                .isTrue();
        for (boolean address : new boolean[] {true, false}) {
            EmbeddedChannel ch = new EmbeddedChannel(new Coalescer());
            if (!address) {
                ch.config().setAllocator(new io.netty.buffer.AbstractByteBufAllocator(true) {
                    @Override
                    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                        return new io.netty.buffer.UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
                    }

                    @Override
                    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                        return new io.netty.buffer.UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
                    }

                    @Override
                    public boolean isDirectBufferPooled() {
                        return false;
                    }
                });
            }
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                String piece = "piece " + i + "; ".repeat(i % 7);
                ByteBuf b = Unpooled.buffer(64).writerIndex(3).readerIndex(3); // a piece need not start at 0
                b.writeBytes(piece.getBytes(StandardCharsets.ISO_8859_1));
                ch.write(b, ch.voidPromise());
                expected.append(piece);
            }
            ch.flush();
            ByteBuf out = ch.readOutbound();
            assertThat(out.hasMemoryAddress()).isEqualTo(address);
            assertThat(text(out)).isEqualTo(expected.toString());
            assertThat((Object) ch.readOutbound()).isNull();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void anythingElseLeavesAsItIsAfterWhatCameBefore() {
        EmbeddedChannel ch = new EmbeddedChannel(new Coalescer());
        ch.write(heap("a"), ch.voidPromise());
        ByteBuf direct = Unpooled.directBuffer().writeBytes("D".getBytes(StandardCharsets.ISO_8859_1));
        ch.write(direct, ch.voidPromise());
        ch.write(heap("b"), ch.voidPromise());
        ChannelFuture listened = ch.write(heap("L")); // someone waits for this one: not copied
        ch.write(Unpooled.wrappedBuffer(new byte[Coalescer.MAX_PIECE + 1]), ch.voidPromise());
        ch.write("not a buffer", ch.voidPromise());
        ch.write(heap("c"), ch.voidPromise());
        ch.flush();
        assertThat(text(ch.readOutbound())).isEqualTo("a");
        assertThat((Object) ch.readOutbound()).isSameAs(direct);
        direct.release();
        assertThat(text(ch.readOutbound())).isEqualTo("b");
        assertThat(text(ch.readOutbound())).isEqualTo("L");
        assertThat(listened.isSuccess()).isTrue();
        ByteBuf big = ch.readOutbound();
        assertThat(big.readableBytes()).isEqualTo(Coalescer.MAX_PIECE + 1);
        big.release();
        assertThat((Object) ch.readOutbound()).isEqualTo("not a buffer");
        assertThat(text(ch.readOutbound())).isEqualTo("c");
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void aBatchNeverWaitsBeyondItsCapAndARemovedHandlerReleasesWhatItHeld() {
        EmbeddedChannel ch = new EmbeddedChannel(new Coalescer());
        byte[] piece = new byte[Coalescer.MAX_PIECE];
        for (int i = 0; i < Coalescer.MAX_BATCH / Coalescer.MAX_PIECE; i++) {
            ch.write(Unpooled.wrappedBuffer(piece), ch.voidPromise());
        }
        // (Netty counts a small overhead per entry on top of the bytes)
        assertThat(ch.unsafe().outboundBuffer().totalPendingWriteBytes()).as("a full batch went down unflushed")
                .isBetween((long) Coalescer.MAX_BATCH, Coalescer.MAX_BATCH + 1024L);
        ch.flush();
        ByteBuf full = ch.readOutbound();
        assertThat(full.readableBytes()).as("as one buffer").isEqualTo(Coalescer.MAX_BATCH);
        full.release();
        ByteBuf last = heap("last");
        ch.write(last, ch.voidPromise());
        ch.pipeline().remove(Coalescer.class);
        assertThat(last.refCnt()).as("what a removed handler held is released").isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
