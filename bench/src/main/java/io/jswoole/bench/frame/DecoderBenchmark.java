package io.jswoole.bench.frame;

import io.jswoole.protocol.frame.FrameSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoder throughput, packets per second: jswoole's length and EOF framing beside Netty's
 * {@link LengthFieldBasedFrameDecoder} and {@link DelimiterBasedFrameDecoder} doing the same work. Each invocation
 * feeds one 64 KiB read holding {@value #PACKETS} packets of 64 bytes (split across the read boundary like a real
 * stream) and drops every decoded packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecoderBenchmark {
    static final int PACKETS = 1024;
    static final int SIZE = 64;

    @Param({"jswoole-length", "netty-length", "jswoole-eof-split", "netty-delimiter"})
    public String decoder;

    private EmbeddedChannel channel;
    private ByteBuf read;

    @Setup(Level.Trial)
    public void setUp() {
        boolean eof = decoder.contains("eof") || decoder.contains("delimiter");
        ByteBuf all = Unpooled.directBuffer(PACKETS * SIZE);
        for (int i = 0; i < PACKETS; i++) {
            if (eof) {
                for (int j = 0; j < SIZE - 2; j++) {
                    all.writeByte('a' + j % 26);
                }
                all.writeByte('\r').writeByte('\n');
            } else {
                all.writeInt(SIZE - 4);
                all.writeZero(SIZE - 4);
            }
        }
        read = Unpooled.unreleasableBuffer(all);
        ChannelHandler h = switch (decoder) {
            case "jswoole-length" -> FrameSpec.from(Map.of("open_length_check", true, "package_length_type", "N",
                    "package_body_offset", 4)).newDecoder();
            case "netty-length" -> new LengthFieldBasedFrameDecoder(2 << 20, 0, 4, 0, 0);
            case "jswoole-eof-split" -> FrameSpec.from(Map.of("open_eof_split", true, "package_eof", "\r\n"))
                    .newDecoder();
            default -> new DelimiterBasedFrameDecoder(2 << 20, false, Unpooled.wrappedBuffer(new byte[] {'\r', '\n'}));
        };
        channel = new EmbeddedChannel(h, new Sink());
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void decode() {
        channel.writeInbound(read.retainedDuplicate());
    }

    /** Drops what the decoder produced, as the server's handler would after copying it. */
    static final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
        }
    }
}
