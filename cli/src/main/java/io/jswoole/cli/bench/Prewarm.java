package io.jswoole.cli.bench;

import java.net.InetSocketAddress;
import java.util.List;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Warms the generator's own connect path before anything is timed: the first connect of a JVM loads and
 * initialises the socket classes (a plain {@code java.net.Socket} takes some 100 ms for it on a busy machine),
 * which would otherwise show in the first connections' connect time as if the server were slow. Each loop
 * connects once to a listener of its own on 127.0.0.1 (never to the target); for Unix sockets and UDP, each
 * loop registers one channel.
 */
final class Prewarm {
    private Prewarm() {
    }

    static void run(Bootstrap bootstrap, List<EventLoop> loops, boolean tcp) throws InterruptedException {
        Channel listener = null;
        try {
            if (tcp) {
                listener = new ServerBootstrap().group(loops.getFirst())
                        .channel(Transports.EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                        .childHandler(new ChannelInboundHandlerAdapter())
                        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            }
            for (EventLoop l : loops) {
                Bootstrap b = bootstrap.clone(l).handler(new ChannelInboundHandlerAdapter());
                Channel c = listener == null ? b.register().sync().channel()
                        : b.connect(listener.localAddress()).sync().channel();
                c.close().sync();
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // a machine where even this fails: the real connects will say why
        } finally {
            if (listener != null) {
                listener.close().sync();
            }
        }
    }

    /** Loads the classes the first reply goes through (histograms, the unit's writer), off the clock. */
    static void touch(Unit unit) {
        LoopStats s = new LoopStats();
        s.ok(0, 0, 1);
        s.connected(1);
        s.takeSecond();
        io.netty.buffer.ByteBuf b = io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer();
        try {
            unit.writeRequest(b, 0);
        } catch (RuntimeException e) {
            // the unit's own problem shows in the run
        } finally {
            b.release();
        }
    }
}
