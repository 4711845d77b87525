package io.jswoole.client;

import io.jswoole.log.Log;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * One HTTP/2 connection of an {@link Http2Client}: TCP, then TLS with ALPN {@code h2} ({@code ssl}) or nothing
 * (h2c by prior knowledge), then Netty's {@link Http2FrameCodec} (framing, HPACK, flow control, SETTINGS and PING
 * acknowledgements; requests beyond the server's MAX_CONCURRENT_STREAMS wait in its buffering encoder) and
 * {@link Http2MultiplexHandler}, which gives each stream a channel of its own. The handler after them sees what
 * belongs to the connection: the server's SETTINGS, PING acknowledgements and GOAWAY, after which no stream is
 * opened here (the client connects again).
 * <p>The I/O runs on one small event-loop group shared by every client of the JVM (daemon threads); callers park
 * on {@link io.jswoole.coroutine.Completion}s until the loop answers.
 */
final class H2Link {
    static final AttributeKey<H2Link> KEY = AttributeKey.valueOf("jswoole.h2link");
    private static volatile EventLoopGroup group;

    final Channel channel;
    final Http2StreamChannelBootstrap streams;
    final Http2Settings local;
    private final AtomicReference<String> closeReason = new AtomicReference<>();
    private final AtomicReference<io.jswoole.coroutine.Completion<Boolean>> ping = new AtomicReference<>();
    final AtomicInteger lastStreamId = new AtomicInteger();
    volatile Http2Settings remote;
    volatile int goawayLastStream = -1;
    /** Set once connected: failures before it are the caller's to report (a refused connection, a bad chain). */
    volatile boolean ready;

    private H2Link(Channel channel, Http2Settings local) {
        this.channel = channel;
        this.local = local;
        this.streams = new Http2StreamChannelBootstrap(channel).option(ChannelOption.AUTO_READ, false);
        channel.attr(KEY).set(this);
    }

    static EventLoopGroup group() {
        EventLoopGroup g = group;
        if (g == null) {
            synchronized (H2Link.class) {
                if (group == null) {
                    group = new MultiThreadIoEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()),
                            new DefaultThreadFactory("jswoole-h2client", true), NioIoHandler.newFactory());
                }
                g = group;
            }
        }
        return g;
    }

    /**
     * Connects: the channel's future completes once the connection can carry streams (after the TLS handshake
     * and ALPN when {@code tls}).
     */
    static Bootstrap bootstrap(String sni, int port, ClientTls tls, H2Options o, String what,
            AtomicReference<H2Link> made) {
        return new Bootstrap().group(group()).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis(o.connectTimeout()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            SSLEngine engine = tls.context().createSSLEngine(sni, port);
                            engine.setUseClientMode(true);
                            SSLParameters p = tls.parameters(sni);
                            p.setApplicationProtocols(new String[] {ApplicationProtocolNames.HTTP_2});
                            engine.setSSLParameters(p);
                            SslHandler ssl = new SslHandler(engine);
                            ssl.setHandshakeTimeoutMillis(millis(o.connectTimeout()));
                            ch.pipeline().addLast(ssl);
                        }
                        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient().initialSettings(o.settings())
                                .encoderEnforceMaxConcurrentStreams(true).build();
                        H2Link link = new H2Link(ch, o.settings());
                        made.set(link);
                        ch.pipeline().addLast(codec, link.new ResetSpy(), new Http2MultiplexHandler(new Refuse()),
                                link.new Control(what));
                    }
                });
    }

    private static int millis(double seconds) {
        return seconds <= 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, seconds * 1000);
    }

    /** The protocol TLS chose, or null without TLS. */
    String alpn() {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        String p = ssl == null ? null : ssl.engine().getApplicationProtocol();
        return p == null || p.isEmpty() ? null : p;
    }

    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean draining;

    /** Whether new streams may be opened here: open, no GOAWAY either way. */
    boolean usable() {
        return channel.isActive() && !draining && closeReason.get() == null;
    }

    /** A stream opened here: once GOAWAY was exchanged, the last stream to close closes the connection. */
    void opened(io.netty.channel.Channel stream) {
        active.incrementAndGet();
        stream.closeFuture().addListener(f -> {
            if (active.decrementAndGet() == 0 && draining) {
                closeWith("GOAWAY, and its last stream ended");
            }
        });
    }

    /** No new streams here after GOAWAY ({@code why}); the open ones finish. */
    void goingAway(String why) {
        draining = true;
        if (active.get() == 0) {
            closeReason.compareAndSet(null, why);
            channel.eventLoop().schedule(() -> {
                if (active.get() == 0) {
                    channel.close();
                }
            }, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Why the connection is no longer usable, or null. */
    String closeReason() {
        return closeReason.get();
    }

    void closeWith(String why) {
        closeReason.compareAndSet(null, why);
        channel.close();
    }

    /** A PING is in flight: completes when the server acknowledges it. */
    io.jswoole.coroutine.Completion<Boolean> ping() {
        io.jswoole.coroutine.Completion<Boolean> c = new io.jswoole.coroutine.Completion<>();
        io.jswoole.coroutine.Completion<Boolean> before = ping.getAndSet(c);
        if (before != null) {
            before.complete(false);
        }
        return c;
    }

    /** RST_STREAM codes by stream, recorded before the stream's channel may drop the frame on its way out. */
    final java.util.Map<Integer, Long> resets = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Notes each RST_STREAM's code on its way to the stream's channel: a stream channel that is not reading at
     * that moment closes without delivering the frame, and the reason must not be lost. Notes a GOAWAY's last
     * stream id too, before the multiplexer hands the streams a duplicate of the frame without it.
     */
    private final class ResetSpy extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.handler.codec.http2.Http2ResetFrame r && r.stream() != null) {
                resets.put(r.stream().id(), r.errorCode());
            } else if (msg instanceof Http2GoAwayFrame g) {
                goawayLastStream = g.lastStreamId(); // the copy the streams get has lost it (Netty's replace())
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Pushed streams: none are allowed (ENABLE_PUSH 0), so any such stream is closed at once. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Refuse extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }

    /** The connection's own frames: SETTINGS, PING acknowledgements, GOAWAY; and its end. */
    private final class Control extends ChannelInboundHandlerAdapter {
        private final String what;

        Control(String what) {
            this.what = what;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2SettingsFrame s) {
                    remote = s.settings();
                } else if (msg instanceof Http2PingFrame p && p.ack()) {
                    io.jswoole.coroutine.Completion<Boolean> c = ping.getAndSet(null);
                    if (c != null) {
                        c.complete(true);
                    }
                } else if (msg instanceof Http2GoAwayFrame g) {
                    goawayLastStream = g.lastStreamId();
                    goingAway("the server sent GOAWAY");
                    closeReason.compareAndSet(null, "the server sent GOAWAY (last stream " + g.lastStreamId() + ", "
                            + Http2Stream.name(g.errorCode()) + (g.content().isReadable() ? ", '"
                            + g.content().toString(StandardCharsets.UTF_8) + "'" : "") + ")");
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeReason.compareAndSet(null, "the server closed the connection");
            io.jswoole.coroutine.Completion<Boolean> c = ping.getAndSet(null);
            if (c != null) {
                c.complete(false);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (closeReason.compareAndSet(null, "connection error: " + cause.getMessage()) && ready) {
                Log.warning(what + ": HTTP/2 connection error, closing it: " + cause);
            }
            ctx.close();
        }
    }
}
