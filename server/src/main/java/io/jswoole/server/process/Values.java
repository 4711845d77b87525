package io.jswoole.server.process;

import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.FrameOutput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The codec for values that cross a process boundary (IPC replies, task and pipe-message payloads in PROCESS mode).
 * Safe by construction: it knows a closed set of types and never instantiates a class named by the bytes.
 * <pre>
 * tag  type                 body
 *  0   null
 *  1   Boolean              1 byte
 *  2   Integer              4 bytes, big-endian
 *  3   Long                 8 bytes
 *  4   Double               8 bytes (IEEE 754)
 *  5   String               int length + UTF-8 bytes
 *  6   byte[]               int length + bytes
 *  7   List                 int count + values
 *  8   Map (String keys)    int count + (String key, value) pairs, order kept
 * </pre>
 * Anything else is refused with an IllegalArgumentException naming its class.
 */
public final class Values {
    private Values() {
    }

    public static byte[] encode(Object v) {
        FrameOutput out = new FrameOutput(64);
        try {
            write(out, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static Object decode(byte[] b) {
        try {
            return read(new FrameInput(java.nio.ByteBuffer.wrap(b)));
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed value: " + e.getMessage(), e);
        }
    }

    static void write(DataOutput out, Object v) throws IOException {
        switch (v) {
            case null -> out.writeByte(0);
            case Boolean b -> {
                out.writeByte(1);
                out.writeBoolean(b);
            }
            case Integer i -> {
                out.writeByte(2);
                out.writeInt(i);
            }
            case Long l -> {
                out.writeByte(3);
                out.writeLong(l);
            }
            case Double d -> {
                out.writeByte(4);
                out.writeDouble(d);
            }
            case String s -> {
                out.writeByte(5);
                byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
            case byte[] b -> {
                out.writeByte(6);
                out.writeInt(b.length);
                out.write(b);
            }
            case List<?> list -> {
                out.writeByte(7);
                out.writeInt(list.size());
                for (Object o : list) {
                    write(out, o);
                }
            }
            case Map<?, ?> map -> {
                out.writeByte(8);
                out.writeInt(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new IllegalArgumentException("map keys must be strings, got " + e.getKey());
                    }
                    write(out, k);
                    write(out, e.getValue());
                }
            }
            default -> throw new IllegalArgumentException("cannot send a " + v.getClass().getName()
                    + " to another process: use null, Boolean, Integer, Long, Double, String, byte[], List or Map");
        }
    }

    static Object read(FrameInput in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case 0 -> null;
            case 1 -> in.readBoolean();
            case 2 -> in.readInt();
            case 3 -> in.readLong();
            case 4 -> in.readDouble();
            case 5 -> new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
            case 6 -> readBytes(in);
            case 7 -> {
                int n = count(in);
                List<Object> list = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    list.add(read(in));
                }
                yield list;
            }
            case 8 -> {
                int n = count(in);
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    Object k = read(in);
                    if (!(k instanceof String key)) {
                        throw new IOException("map key is not a string");
                    }
                    map.put(key, read(in));
                }
                yield map;
            }
            default -> throw new IOException("unknown tag " + tag);
        };
    }

    private static int count(FrameInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.remaining() + 1) {
            throw new IOException("bad count " + n);
        }
        return n;
    }

    private static byte[] readBytes(FrameInput in) throws IOException {
        int n = count(in);
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
