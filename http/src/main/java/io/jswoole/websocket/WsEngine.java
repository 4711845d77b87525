package io.jswoole.websocket;

import io.jswoole.http.Request;
import io.jswoole.http.Response;
import io.jswoole.http.UpgradeHandler;
import io.jswoole.log.Log;
import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.FrameOutput;
import io.jswoole.server.spi.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WebSocket side of a {@link WebSocketServer}: the default handshake (RFC 6455: version 13, a 16-byte key,
 * the accept hash, the configured subprotocol when the client offers it), the switch of a connection's pipeline to
 * Netty's frame codecs after the 101, and the delivery of messages to the server's callbacks.
 */
final class WsEngine implements UpgradeHandler {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private WebSocketServer server;
    private volatile WsConfig cfg;
    /** Fds that were established, until their close event has been handled. */
    final Set<Integer> established = ConcurrentHashMap.newKeySet();

    void attach(WebSocketServer s) {
        server = s;
    }

    void configure(WsConfig c) {
        cfg = c;
    }

    @Override
    public void handshake(Request req, Response res) {
        WebSocketServer.OnHandShake custom = server.handShakeCallback();
        if (custom != null) {
            custom.handle(req, res);
            return;
        }
        String version = req.header().get("sec-websocket-version");
        String key = req.header().get("sec-websocket-key");
        if (!"13".equals(version)) {
            res.status(426);
            res.header("Sec-WebSocket-Version", "13", false);
            res.end();
            return;
        }
        if (key == null || !validKey(key.trim())) {
            res.status(400);
            res.end("bad Sec-WebSocket-Key");
            return;
        }
        res.status(101);
        res.header("Upgrade", "websocket", false);
        res.header("Connection", "Upgrade", false);
        res.header("Sec-WebSocket-Accept", accept(key.trim()), false);
        String offered = req.header().get("sec-websocket-protocol");
        String sub = cfg.subprotocol();
        if (sub != null && offered != null) {
            for (String p : offered.split(",")) {
                if (p.trim().equals(sub)) {
                    res.header("Sec-WebSocket-Protocol", sub, false);
                }
            }
        }
        server.fireBeforeHandshakeResponse(req, res);
        if (res.end()) {
            server.fireOpen(req);
        }
    }

    private static boolean validKey(String key) {
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code Sec-WebSocket-Accept} for a client key: base64(SHA-1(key + the RFC 6455 GUID)). */
    static String accept(String key) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    @Override
    public void upgraded(ChannelPipeline p, int fd) {
        WsConfig c = cfg;
        WebSocketDecoderConfig dc = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength((int) Math.min(Integer.MAX_VALUE, c.maxMessage()))
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(c.compression())
                .closeOnProtocolViolation(false)
                .build();
        p.replace(DECODER, "ws-decoder", new WsFrameDecoder(dc));
        p.replace(ENCODER, "ws-encoder", new WebSocket13FrameEncoder(c.mask()));
        WsFrameHandler frames = new WsFrameHandler(fd, c);
        p.replace(GUARD, "ws-frames", frames);
        if (c.compression()) {
            p.addAfter("ws-decoder", "ws-rsv1", new WsFrameHandler.Rsv1Mark(frames));
        }
        p.addBefore("ws-frames", "ws-utf8", new WsFrameChecks());
        established.add(fd);
    }

    @Override
    public void onMessage(int fd, Object message) {
        if (message instanceof Frame f) {
            server.fireMessage(f);
        } else {
            Log.warning("websocket fd " + fd + ": unexpected message " + message.getClass().getName());
        }
    }

    @Override
    public void drain(ChannelPipeline pipeline) {
        if (pipeline.get("ws-frames") instanceof WsFrameHandler h) {
            h.goingAway(pipeline.context(h));
        }
    }

    @Override
    public void closed(int fd) {
        // the status lives with the connection; the close event consumes 'established'
    }

    @Override
    public boolean forget(int fd) {
        return established.remove(fd);
    }

    // PROCESS mode: a message is  code:i32 (-1 unless a close) opcode:i8 flags:i8 finish:i8 data:bytes;
    // a pushed frame is  opcode:i8 fin:i8 rsv:i8 data:bytes

    @Override
    public void writeMessage(Object message, FrameOutput out) throws IOException {
        Frame f = (Frame) message;
        if (f instanceof CloseFrame c) {
            out.writeInt(c.code());
        } else {
            out.writeInt(-1);
        }
        out.writeByte(f.opcode());
        out.writeByte(f.flags());
        out.writeBoolean(f.finish());
        Wire.writeBytes(out, f.data());
    }

    @Override
    public Object readMessage(int fd, FrameInput in) throws IOException {
        int code = in.readInt();
        int opcode = in.readByte();
        int flags = in.readByte();
        boolean finish = in.readBoolean();
        byte[] data = Wire.readBytes(in);
        return code >= 0 ? new CloseFrame(fd, code, new String(data, StandardCharsets.UTF_8))
                : new Frame(fd, data, opcode, flags, finish);
    }

    @Override
    public void writeFrame(Object frame, FrameOutput out) throws IOException {
        WebSocketFrame f = (WebSocketFrame) frame;
        int opcode = switch (f) {
            case TextWebSocketFrame t -> WebSocket.OPCODE_TEXT;
            case BinaryWebSocketFrame b -> WebSocket.OPCODE_BINARY;
            case ContinuationWebSocketFrame c -> WebSocket.OPCODE_CONTINUATION;
            case PingWebSocketFrame p -> WebSocket.OPCODE_PING;
            case PongWebSocketFrame p -> WebSocket.OPCODE_PONG;
            case CloseWebSocketFrame c -> WebSocket.OPCODE_CLOSE;
            default -> throw new IllegalArgumentException("cannot send " + f.getClass().getName());
        };
        out.writeByte(opcode);
        out.writeBoolean(f.isFinalFragment());
        out.writeByte(f.rsv());
        ByteBuf b = f.content();
        out.writeInt(b.readableBytes());
        out.write(b);
    }

    @Override
    public Object readFrame(FrameInput in) throws IOException {
        int opcode = in.readByte();
        boolean fin = in.readBoolean();
        int rsv = in.readByte();
        ByteBuf b = Unpooled.wrappedBuffer(Wire.readBytes(in));
        return switch (opcode) {
            case WebSocket.OPCODE_TEXT -> new TextWebSocketFrame(fin, rsv, b);
            case WebSocket.OPCODE_BINARY -> new BinaryWebSocketFrame(fin, rsv, b);
            case WebSocket.OPCODE_CONTINUATION -> new ContinuationWebSocketFrame(fin, rsv, b);
            case WebSocket.OPCODE_PING -> new PingWebSocketFrame(b);
            case WebSocket.OPCODE_PONG -> new PongWebSocketFrame(b);
            case WebSocket.OPCODE_CLOSE -> new CloseWebSocketFrame(true, rsv, b);
            default -> throw new IOException("unknown opcode " + opcode);
        };
    }

}
