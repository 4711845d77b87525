package io.jswoole.http;

import io.jswoole.log.Log;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Where a connection of an HTTP port with {@code open_http2_protocol} becomes HTTP/2, on the same port as
 * HTTP/1.1 (as Swoole serves both): first in the HTTP handlers, it looks at the first bytes; the client
 * connection preface ({@code PRI * HTTP/2.0...}: h2c by prior knowledge, or h2 after ALPN chose it) switches the
 * pipeline to an {@link H2Connection}, anything else leaves it to HTTP/1.1. {@link #upgrade} is the other way in:
 * an HTTP/1.1 request with {@code Upgrade: h2c} on a cleartext connection.
 */
final class H2Switch extends ByteToMessageDecoder {
    static final String NAME = "http2-switch";
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
    private static final byte[] SWITCHING = ("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
            + "Upgrade: h2c\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final int H2_LOW = 32 * 1024, H2_HIGH = 64 * 1024;
    private final HttpConn conn;

    H2Switch(HttpConn conn) {
        this.conn = conn;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        HttpGuard guard = conn.guard;
        if (guard != null && in.isReadable()) { // a head trickled in as a preface's first bytes is timed too
            guard.readStarted();
            guard.bytesArrived();
        }
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n)) {
            ctx.pipeline().remove(this); // HTTP/1.1: what was read goes on to its decoder
            return;
        }
        if (n == PREFACE.readableBytes()) {
            toHttp2(ctx.pipeline(), conn);
            ctx.pipeline().remove(this); // the preface goes on to Netty's HTTP/2 handler, which checks it
        }
    }

    /** Replaces the HTTP/1.1 handlers of {@code conn}'s pipeline with an {@link H2Connection}. */
    private static H2Connection toHttp2(ChannelPipeline p, HttpConn conn) {
        conn.guard = null;
        H2Connection h2 = H2Connection.create(conn);
        p.addBefore(UpgradeHandler.DECODER, H2Connection.NAME, h2);
        long headerTimeout = conn.protocol.config().headerTimeoutMillis();
        if (headerTimeout > 0) { // HTTP/1.1's head deadline, for SETTINGS and each header block
            p.addBefore(H2Connection.NAME, H2HeaderDeadline.NAME, new H2HeaderDeadline(conn, headerTimeout));
        }
        for (String name : new String[] {UpgradeHandler.GUARD, HttpProtocol.SEQUENCER, HttpProtocol.WS_EXT,
                UpgradeHandler.ENCODER}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
        RequestDecoder d = (RequestDecoder) p.get(UpgradeHandler.DECODER);
        d.discardBuffered();
        p.remove(d);
        p.channel().config().setAutoRead(true);
        // Netty's flow controller writes DATA while the channel is writable; the server's watermarks (low + 1,
        // low + 2) flip writability at every frame, and over TLS that spun the event loop (h2spec 2.4 over TLS)
        WriteBufferWaterMark w = p.channel().config().getWriteBufferWaterMark();
        if (w.high() < H2_HIGH) {
            p.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(H2_LOW, H2_HIGH));
        }
        return h2;
    }

    /**
     * Whether {@code req} asks to upgrade to h2c (RFC 7540 3.2: {@code Upgrade: h2c}, one {@code HTTP2-Settings},
     * both named in {@code Connection}) on a cleartext connection of a port where HTTP/2 is on. A request with a
     * body is served as HTTP/1.1 (the server may ignore an upgrade).
     */
    static boolean wanted(ChannelHandlerContext ctx, HttpRequest req, HeadFacts facts, boolean body) {
        return !body && ctx.channel().attr(H2Port.OFF).get() == null && facts.upgradeHas("h2c")
                && facts.connectionHas("upgrade")
                && facts.connectionHas("http2-settings") && req.headers().getAll("http2-settings").size() == 1
                && ctx.pipeline().get(SslHandler.class) == null;
    }

    /**
     * Answers 101 and switches to HTTP/2; {@code ex} becomes stream 1. False (nothing done: serve it as HTTP/1.1)
     * when its {@code HTTP2-Settings} cannot be read.
     */
    static boolean upgrade(ChannelHandlerContext ctx, HttpConn conn, HttpExchange ex) {
        Http2Settings settings;
        try {
            settings = settings(ex.head().headers().get("http2-settings"));
        } catch (IllegalArgumentException e) {
            Log.warning("http from " + conn.remoteIp + ":" + conn.remotePort + ": a bad HTTP2-Settings ("
                    + e.getMessage() + "): the h2c upgrade is ignored");
            return false;
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(SWITCHING));
        H2Connection h2 = toHttp2(ctx.pipeline(), conn);
        try {
            h2.onHttpServerUpgrade(settings);
        } catch (Http2Exception e) {
            Log.warning("http from " + conn.remoteIp + ":" + conn.remotePort + ": h2c upgrade failed: " + e);
            h2.ctx().close();
            return true;
        }
        h2.upgradeRequest(ex);
        return true;
    }

    /** The settings of an {@code HTTP2-Settings} header: base64url of a SETTINGS payload (6 bytes each). */
    static Http2Settings settings(String header) {
        byte[] b = Base64.getUrlDecoder().decode(header.trim());
        if (b.length % 6 != 0) {
            throw new IllegalArgumentException("not a whole number of settings");
        }
        Http2Settings s = new Http2Settings();
        for (int i = 0; i < b.length; i += 6) {
            char id = (char) (((b[i] & 0xff) << 8) | (b[i + 1] & 0xff));
            long v = ((b[i + 2] & 0xffL) << 24) | ((b[i + 3] & 0xff) << 16) | ((b[i + 4] & 0xff) << 8)
                    | (b[i + 5] & 0xff);
            s.put(id, Long.valueOf(v));
        }
        return s;
    }
}
