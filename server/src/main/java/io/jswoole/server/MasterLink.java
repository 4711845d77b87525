package io.jswoole.server;

import io.jswoole.log.Log;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A worker JVM's end of its Unix socket to the master (PROCESS mode), on one Netty event loop. Frames are read and
 * handed to the worker on that loop; when the worker's coroutines run on the same loop (the default), a message
 * goes from the socket to its callback and the callback's answer back to the socket without changing threads.
 * {@link #send} may be called from any thread and never blocks (an {@link Ipc.Writer}).
 */
final class MasterLink {
    private final Channel channel;
    private final EventLoop loop;
    private final Ipc.Writer writer = new Ipc.Writer();

    private MasterLink(Channel channel) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        writer.attach(channel);
    }

    /**
     * Connects to the master's socket at {@code path} on {@code loop}; {@code handler} gets every frame (on the
     * loop).
     */
    static MasterLink connect(EventLoop loop, String path, Ipc.FrameHandler handler) throws IOException {
        SocketAddress address = Transport.EPOLL ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
        Bootstrap b = new Bootstrap().group(loop)
                .channel(Transport.EPOLL ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Ipc.reader(handler,
                                e -> Log.error("bad frame from the master: " + e.getMessage())));
                    }
                });
        var connected = b.connect(address).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            throw new IOException("cannot connect to " + path + ": " + connected.cause());
        }
        return new MasterLink(connected.channel());
    }

    /** Returns when the link ends: the master went away or sent a corrupt frame. */
    void awaitClosed() {
        channel.closeFuture().awaitUninterruptibly();
    }

    /** True on the link's event loop thread itself (not in a coroutine that it carries). */
    boolean inLoop() {
        return loop.inEventLoop();
    }

    /** Queues {@code frame} for the master; never blocks. */
    void send(ByteBuffer frame) {
        writer.send(frame);
    }

    /** Writes what is queued and waits (at most {@code millis}) until it left: before the JVM halts. */
    void flush(long millis) {
        if (!channel.isActive()) {
            return;
        }
        // runs after the writer's round that is already queued, if any
        var done = loop.submit(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER));
        try {
            done.get(millis, TimeUnit.MILLISECONDS).await(millis);
        } catch (Exception e) {
            Log.debug("frames to the master not flushed before exit: " + e);
        }
    }
}
