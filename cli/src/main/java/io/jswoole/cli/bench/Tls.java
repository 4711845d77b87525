package io.jswoole.cli.bench;

import java.util.List;
import java.util.function.BiConsumer;

import javax.net.ssl.SSLException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * TLS for {@code -s tls://host:port}: one client context per run, and per connection an {@link SslHandler}
 * followed by a gate that holds the unit's {@code channelActive} back until the handshake is done (so the first
 * request goes out encrypted, and the connect time the report prints includes the handshake). A handshake that
 * fails, or a server whose ALPN choice is none of the unit's {@link Unit#alpn()}, counts as a failed connect
 * ({@code tls handshake}, {@code protocol error}) and is retried like a refused one.
 * <p>
 * The server's certificate is not verified, as h2load and wrk do not: the tool measures servers, most of them
 * with self-signed test certificates, and never sends anything secret. BoringSSL (netty-tcnative, on jswoole's
 * class path) does the crypto when it loads, the JDK's provider otherwise; the header line says which.
 */
final class Tls {
    static final String HANDSHAKE_FAILED = "tls handshake";
    private final SslContext context;
    private final List<String> alpn;
    private final Target target;

    private Tls(SslContext context, List<String> alpn, Target target) {
        this.context = context;
        this.alpn = alpn;
        this.target = target;
    }

    /** The run's TLS, or null when the target is not {@code tls://}. */
    static Tls of(Target target, Unit unit) {
        if (!target.isTls()) {
            return null;
        }
        List<String> alpn = unit.alpn();
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider())
                .trustManager(InsecureTrustManagerFactory.INSTANCE);
        if (!alpn.isEmpty()) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                    SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        try {
            return new Tls(b.build(), alpn, target);
        } catch (SSLException e) {
            throw new IllegalStateException("-s " + target + ": cannot make a TLS client: " + e.getMessage(), e);
        }
    }

    private static SslProvider provider() {
        return SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** {@code boringssl} or {@code jdk}, for the header line. */
    static String providerName() {
        return provider() == SslProvider.OPENSSL ? "boringssl" : "jdk";
    }

    /**
     * The handler to give a new connection of {@code client}: {@code handlers} behind TLS. A connection that fails
     * before its handshake is done is the client's failed connect ({@link Client#handshakeFailed}, then
     * {@code reconnect}); the handlers behind see nothing of it.
     */
    ChannelHandler wrap(Client client, Runnable reconnect, ChannelHandler... handlers) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                SslHandler ssl = context.newHandler(ch.alloc(), target.host(), target.port());
                Gate gate = new Gate(ssl, (c, errorClass) -> client.handshakeFailed(c, errorClass, reconnect));
                ch.pipeline().addLast(ssl, gate).addLast(handlers);
            }
        };
    }

    /**
     * Holds channelActive back until the handshake, then steps out of the pipeline; reports a connection that
     * never got that far.
     */
    private final class Gate extends ChannelInboundHandlerAdapter {
        private final SslHandler ssl;
        private final BiConsumer<Channel, String> failed;
        private boolean reported;

        Gate(SslHandler ssl, BiConsumer<Channel, String> failed) {
            this.ssl = ssl;
            this.failed = failed;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // held back: the handlers behind become active when the handshake is done
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (!(evt instanceof SslHandshakeCompletionEvent done)) {
                super.userEventTriggered(ctx, evt);
                return;
            }
            if (!done.isSuccess()) {
                fail(ctx, HANDSHAKE_FAILED);
            } else if (!alpn.isEmpty() && !alpn.contains(ssl.applicationProtocol())) {
                fail(ctx, Unit.PROTOCOL_ERROR); // e.g. -f http2 on a server that does not offer h2
            } else {
                ctx.fireChannelActive();
                ctx.pipeline().remove(this);
            }
        }

        private void fail(ChannelHandlerContext ctx, String errorClass) {
            if (!reported) {
                reported = true;
                failed.accept(ctx.channel(), errorClass);
            }
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, HANDSHAKE_FAILED);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx, Errors.CLOSED); // closed during the handshake
        }
    }
}
