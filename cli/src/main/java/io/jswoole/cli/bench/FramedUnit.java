package io.jswoole.cli.bench;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jswoole.protocol.frame.FrameSpec;
import io.jswoole.protocol.frame.LengthFieldType;
import io.netty.buffer.ByteBuf;

/**
 * {@code eof} and {@code length}: Swoole's two framings, configured with the server's own keys
 * ({@code --set package_eof=\r\n}, {@code --set package_length_type=n}, {@code package_length_offset},
 * {@code package_body_offset}, {@code package_max_length}), against an echo server that frames the same way
 * ({@code ./jswoole run tcp-echo --set open_eof_split=true}, or {@code --set open_length_check=true}).
 * <pre>
 * eof:     | -l minus the EOF's length of letters | package_eof |
 * length:  | header: package_body_offset bytes, the length field at package_length_offset | letters |
 *          the field holds the byte count from package_body_offset to the end (Swoole's rule)
 * </pre>
 * {@code -l} is the whole packet, delimiter or header included.
 */
final class FramedUnit implements Unit {
    private final boolean eof;
    private final byte[] delimiter;
    private final LengthFieldType type;
    private final int lengthOffset;
    private final int bodyOffset;
    private final int maxLength;
    private final int size;
    private final Payload letters;

    FramedUnit(UnitConfig config, boolean eof) {
        Map<String, Object> keys = new LinkedHashMap<>(config.settings());
        keys.putIfAbsent(eof ? "open_eof_split" : "open_length_check", true);
        FrameSpec spec = FrameSpec.from(keys);
        this.eof = eof;
        this.delimiter = spec.packageEof();
        this.type = spec.packageLengthType();
        this.lengthOffset = spec.packageLengthOffset();
        this.bodyOffset = spec.packageBodyOffset();
        this.maxLength = spec.packageMaxLength();
        this.size = config.payloadSize();
        int least = eof ? delimiter.length + 1 : Math.max(bodyOffset, lengthOffset + type.size());
        if (size < least) {
            throw new IllegalArgumentException("-l must be at least " + least + " for the " + (eof ? "eof" : "length")
                    + " unit with these settings (the packet includes its " + (eof ? "package_eof" : "header") + ")");
        }
        int header = eof ? 0 : Math.max(bodyOffset, lengthOffset + type.size());
        this.letters = new Payload(size - header - (eof ? delimiter.length : 0));
        if (size > maxLength) {
            throw new IllegalArgumentException("-l " + size + " is over package_max_length " + maxLength);
        }
        if (!eof && bodyOffset == 0 && size > maxValue()) {
            throw new IllegalArgumentException("-l " + size + " does not fit in package_length_type " + type.code());
        }
    }

    private long maxValue() {
        return type.size() == 8 ? Long.MAX_VALUE : (1L << (8 * type.size() - (type.signed() ? 1 : 0))) - 1;
    }

    @Override
    public void writeRequest(ByteBuf out, long seq) {
        if (eof) {
            letters.write(out, seq);
            out.writeBytes(delimiter);
            return;
        }
        int start = out.writerIndex();
        out.writeZero(Math.max(bodyOffset, lengthOffset + type.size()));
        writeLength(out, start + lengthOffset, size - bodyOffset);
        letters.write(out, seq);
    }

    private void writeLength(ByteBuf out, int index, long value) {
        boolean le = type.order() == ByteOrder.LITTLE_ENDIAN;
        switch (type.size()) {
            case 1 -> out.setByte(index, (int) value);
            case 2 -> out.setShort(index, le ? Short.reverseBytes((short) value) : (short) value);
            case 4 -> out.setInt(index, le ? Integer.reverseBytes((int) value) : (int) value);
            default -> out.setLong(index, le ? Long.reverseBytes(value) : value);
        }
    }

    private long readLength(ByteBuf in, int index) {
        boolean le = type.order() == ByteOrder.LITTLE_ENDIAN;
        return switch (type.size()) {
            case 1 -> type.signed() ? in.getByte(index) : in.getUnsignedByte(index);
            case 2 -> type.signed() ? (le ? in.getShortLE(index) : in.getShort(index))
                    : (le ? in.getUnsignedShortLE(index) : in.getUnsignedShort(index));
            case 4 -> type.signed() ? (le ? in.getIntLE(index) : in.getInt(index))
                    : (le ? in.getUnsignedIntLE(index) : in.getUnsignedInt(index));
            default -> le ? in.getLongLE(index) : in.getLong(index);
        };
    }

    @Override
    public int replyLength(ByteBuf in) {
        int r = in.readerIndex();
        if (eof) {
            int searchable = Math.min(in.readableBytes(), maxLength);
            int at = indexOf(in, r, r + searchable);
            if (at >= 0) {
                return at - r + delimiter.length;
            }
            return in.readableBytes() >= maxLength ? -1 : 0;
        }
        if (in.readableBytes() < lengthOffset + type.size()) {
            return 0;
        }
        long value = readLength(in, r + lengthOffset);
        long total = bodyOffset + value;
        if (value < 0 || total > maxLength || total < lengthOffset + type.size()) {
            return -1;
        }
        return in.readableBytes() >= total ? (int) total : 0;
    }

    private int indexOf(ByteBuf in, int from, int to) {
        for (int i = in.indexOf(from, to, delimiter[0]); i >= 0 && i + delimiter.length <= to;
             i = in.indexOf(i + 1, to, delimiter[0])) {
            boolean match = true;
            for (int k = 1; k < delimiter.length && match; k++) {
                match = in.getByte(i + k) == delimiter[k];
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String check(ByteBuf reply, long seq, boolean verify) {
        if (reply.readableBytes() != size) {
            return verify ? CONTENT_MISMATCH : null;
        }
        if (!verify) {
            return null;
        }
        int body = eof ? 0 : Math.max(bodyOffset, lengthOffset + type.size());
        return letters.matches(reply, reply.readerIndex() + body, seq) ? null : CONTENT_MISMATCH;
    }
}
