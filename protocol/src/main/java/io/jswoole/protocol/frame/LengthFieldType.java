package io.jswoole.protocol.frame;

import io.netty.buffer.ByteBuf;

import java.nio.ByteOrder;

/**
 * The types of {@code package_length_type}, by their PHP {@code pack()} code, as Swoole reads them.
 * "Host order" is the byte order of this machine ({@link ByteOrder#nativeOrder()}): little-endian on x86 and
 * most ARM servers, as in Swoole, which reads these fields with {@code memcpy}.
 */
public enum LengthFieldType {
    /** {@code c}: signed 8-bit. */
    SIGNED_CHAR('c', 1, true, ByteOrder.BIG_ENDIAN),
    /** {@code C}: unsigned 8-bit. */
    UNSIGNED_CHAR('C', 1, false, ByteOrder.BIG_ENDIAN),
    /** {@code s}: signed 16-bit, host order. */
    SIGNED_SHORT('s', 2, true, ByteOrder.nativeOrder()),
    /** {@code S}: unsigned 16-bit, host order. */
    UNSIGNED_SHORT('S', 2, false, ByteOrder.nativeOrder()),
    /** {@code n}: unsigned 16-bit, big-endian (network order). */
    UNSIGNED_SHORT_BE('n', 2, false, ByteOrder.BIG_ENDIAN),
    /** {@code v}: unsigned 16-bit, little-endian. */
    UNSIGNED_SHORT_LE('v', 2, false, ByteOrder.LITTLE_ENDIAN),
    /** {@code l}: signed 32-bit, host order. */
    SIGNED_LONG('l', 4, true, ByteOrder.nativeOrder()),
    /** {@code L}: unsigned 32-bit, host order. */
    UNSIGNED_LONG('L', 4, false, ByteOrder.nativeOrder()),
    /** {@code N}: unsigned 32-bit, big-endian (network order); Swoole's default. */
    UNSIGNED_LONG_BE('N', 4, false, ByteOrder.BIG_ENDIAN),
    /** {@code V}: unsigned 32-bit, little-endian. */
    UNSIGNED_LONG_LE('V', 4, false, ByteOrder.LITTLE_ENDIAN),
    /** {@code q}: signed 64-bit, host order. */
    SIGNED_LONG_LONG('q', 8, true, ByteOrder.nativeOrder()),
    /** {@code Q}: unsigned 64-bit, host order. */
    UNSIGNED_LONG_LONG('Q', 8, false, ByteOrder.nativeOrder()),
    /** {@code J}: unsigned 64-bit, big-endian. */
    UNSIGNED_LONG_LONG_BE('J', 8, false, ByteOrder.BIG_ENDIAN),
    /** {@code P}: unsigned 64-bit, little-endian. */
    UNSIGNED_LONG_LONG_LE('P', 8, false, ByteOrder.LITTLE_ENDIAN);

    private final char code;
    private final int size;
    private final boolean signed;
    private final ByteOrder order;

    LengthFieldType(char code, int size, boolean signed, ByteOrder order) {
        this.code = code;
        this.size = size;
        this.signed = signed;
        this.order = order;
    }

    /** The type of a {@code pack()} code, or null when the code is not one of {@code c C s S n N l L v V q Q J P}. */
    public static LengthFieldType ofCode(char code) {
        for (LengthFieldType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** The {@code pack()} code, as written in {@code package_length_type}. */
    public char code() {
        return code;
    }

    /** Width of the field in bytes: 1, 2, 4 or 8. */
    public int size() {
        return size;
    }

    /** Whether the field is signed (then a negative value is a protocol error). */
    public boolean signed() {
        return signed;
    }

    /** Byte order of the field (irrelevant for the 1-byte types). */
    public ByteOrder order() {
        return order;
    }

    /**
     * Reads the field at an absolute index without moving the reader index. A signed type answers its signed
     * value; an unsigned 64-bit type whose value does not fit in a {@code long} answers a negative number, which
     * the caller must treat as an overflow.
     */
    long read(ByteBuf buf, int index) {
        boolean le = order == ByteOrder.LITTLE_ENDIAN;
        return switch (size) {
            case 1 -> signed ? buf.getByte(index) : buf.getUnsignedByte(index);
            case 2 -> signed
                    ? (le ? buf.getShortLE(index) : buf.getShort(index))
                    : (le ? buf.getUnsignedShortLE(index) : buf.getUnsignedShort(index));
            case 4 -> signed
                    ? (le ? buf.getIntLE(index) : buf.getInt(index))
                    : (le ? buf.getUnsignedIntLE(index) : buf.getUnsignedInt(index));
            default -> le ? buf.getLongLE(index) : buf.getLong(index);
        };
    }
}
