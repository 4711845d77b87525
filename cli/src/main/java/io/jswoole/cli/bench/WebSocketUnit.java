package io.jswoole.cli.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;

/**
 * {@code websocket}: upgrades each connection ({@code --path}, {@code -H}), then sends masked frames of
 * {@code -l} bytes and expects each echoed in one unmasked frame ({@code --set opcode=binary} for binary frames,
 * text by default). A close frame from the server fails the request waiting for it under
 * {@code websocket close CODE}; pings, pongs and fragments before the last are passed over.
 * <pre>
 *  0               1               2               3
 * |F|R R R| opcode |M| len (7)     | extended length (16 or 64), if len is 126 or 127 | mask key (client) |
 * </pre>
 */
final class WebSocketUnit implements Unit {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private final byte[] upgrade;
    private final String accept;
    private final int size;
    private final Payload payload;
    private final int opcode;

    WebSocketUnit(UnitConfig config) {
        this.size = config.payloadSize();
        this.payload = new Payload(size);
        String op = config.setting("opcode", "text");
        this.opcode = switch (op) {
            case "text" -> 1;
            case "binary" -> 2;
            default -> throw new IllegalArgumentException("--set opcode takes text or binary, got '" + op + "'");
        };
        StringBuilder sb = new StringBuilder("GET ").append(config.path()).append(" HTTP/1.1\r\nHost: ")
                .append(config.target().authority())
                .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(KEY)
                .append("\r\nSec-WebSocket-Version: 13\r\n");
        for (String h : config.headers()) {
            sb.append(h).append("\r\n");
        }
        this.upgrade = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest((KEY + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                    .getBytes(StandardCharsets.US_ASCII));
            this.accept = Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] handshake() {
        return upgrade;
    }

    @Override
    public int handshakeLength(ByteBuf in) {
        return HttpUnit.length(in, in.readerIndex());
    }

    @Override
    public String checkHandshake(ByteBuf reply) {
        int status = HttpUnit.status(reply, reply.readerIndex());
        if (status != 101) {
            return "handshake status " + status;
        }
        String head = reply.toString(StandardCharsets.ISO_8859_1);
        return head.contains(accept) ? null : "handshake without the right Sec-WebSocket-Accept";
    }

    @Override
    public void writeRequest(ByteBuf out, long seq) {
        out.writeByte(0x80 | opcode);
        if (size < 126) {
            out.writeByte(0x80 | size);
        } else if (size < 65536) {
            out.writeByte(0x80 | 126).writeShort(size);
        } else {
            out.writeByte(0x80 | 127).writeLong(size);
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        out.writeBytes(key);
        byte[] masked = payload.copy(seq);
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= key[i & 3];
        }
        out.writeBytes(masked);
    }

    @Override
    public int replyLength(ByteBuf in) {
        int r = in.readerIndex();
        int n = in.readableBytes();
        if (n < 2) {
            return 0;
        }
        int b1 = in.getUnsignedByte(r + 1);
        if ((b1 & 0x80) != 0 || (in.getUnsignedByte(r) & 0x70) != 0) {
            return -1; // a server must not mask; no extension was negotiated
        }
        int len7 = b1 & 0x7f;
        int header = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
        if (n < header) {
            return 0;
        }
        long length = len7 < 126 ? len7 : len7 == 126 ? in.getUnsignedShort(r + 2) : in.getLong(r + 2);
        if (length < 0 || length > Integer.MAX_VALUE - header) {
            return -1;
        }
        long total = header + length;
        return n >= total ? (int) total : 0;
    }

    private static int opcode(ByteBuf frame) {
        return frame.getUnsignedByte(frame.readerIndex()) & 0x0f;
    }

    private static int headerSize(ByteBuf frame) {
        int len7 = frame.getUnsignedByte(frame.readerIndex() + 1) & 0x7f;
        return len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
    }

    @Override
    public boolean isReply(ByteBuf frame) {
        int op = opcode(frame);
        boolean fin = (frame.getUnsignedByte(frame.readerIndex()) & 0x80) != 0;
        return op == 8 || (op < 8 && fin);
    }

    @Override
    public String check(ByteBuf frame, long seq, boolean verify) {
        int op = opcode(frame);
        int body = frame.readerIndex() + headerSize(frame);
        if (op == 8) {
            int code = frame.writerIndex() - body >= 2 ? frame.getUnsignedShort(body) : 1005;
            return "websocket close " + code;
        }
        if (!verify) {
            return null;
        }
        boolean same = frame.writerIndex() - body == size && payload.matches(frame, body, seq);
        return same ? null : CONTENT_MISMATCH;
    }

    @Override
    public boolean closesAfter(ByteBuf frame) {
        return opcode(frame) == 8;
    }

    @Override
    public List<String> alpn() {
        return List.of("http/1.1");
    }
}
