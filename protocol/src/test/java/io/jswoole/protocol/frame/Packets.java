package io.jswoole.protocol.frame;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Builds packets of each framing for the tests. */
final class Packets {
    private Packets() {
    }

    /** The length field of {@code type} holding {@code value} (truncated to the field's width). */
    static byte[] field(LengthFieldType type, long value) {
        ByteBuffer b = ByteBuffer.allocate(type.size()).order(type.order());
        switch (type.size()) {
            case 1 -> b.put((byte) value);
            case 2 -> b.putShort((short) value);
            case 4 -> b.putInt((int) value);
            default -> b.putLong(value);
        }
        return b.array();
    }

    /**
     * A length-framed packet: {@code lengthOffset} bytes of 0x7E, the field, filler up to {@code bodyOffset}, then
     * the body. The field holds the body length when {@code bodyOffset > 0}, the whole length when it is 0.
     */
    static byte[] length(LengthFieldType type, int lengthOffset, int bodyOffset, byte[] body) {
        int header = Math.max(lengthOffset + type.size(), bodyOffset);
        byte[] p = new byte[header + body.length];
        java.util.Arrays.fill(p, 0, header, (byte) 0x7E);
        long value = bodyOffset == 0 ? p.length : header - bodyOffset + body.length;
        byte[] f = field(type, value);
        System.arraycopy(f, 0, p, lengthOffset, f.length);
        System.arraycopy(body, 0, p, header, body.length);
        return p;
    }

    /** An MQTT packet: the type byte, the remaining length varint, then {@code remaining} bytes of payload. */
    static byte[] mqtt(int typeByte, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(typeByte);
        out.writeBytes(varint(payload.length));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** MQTT's remaining-length encoding. */
    static byte[] varint(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int b = n & 0x7F;
            n >>>= 7;
            out.write(n > 0 ? b | 0x80 : b);
        } while (n > 0);
        return out.toByteArray();
    }

    /** A packet of the test protocol used with {@link #TYPE_LEN_FUNC}: type byte, big-endian u16 length, body. */
    static byte[] typeLen(int type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(3 + body.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) type).putShort((short) body.length).put(body);
        return b.array();
    }

    /** The length function of {@link #typeLen}; type 0xFF is malformed. */
    static final PackageLengthFunction TYPE_LEN_FUNC = data -> {
        if (data.remaining() > 0 && (data.get(0) & 0xFF) == 0xFF) {
            return -1;
        }
        return data.remaining() < 3 ? 0 : 3 + Short.toUnsignedInt(data.getShort(1));
    };

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        return concat(List.of(parts));
    }
}
