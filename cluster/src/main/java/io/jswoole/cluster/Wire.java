package io.jswoole.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message between nodes, as the bytes of a Redis PUBLISH: an operation, a correlation id and the channel to
 * answer on (for questions), the fds it is about, a WebSocket opcode and flags, and a payload. Small and fixed, so
 * a DataOutputStream is all it needs; a message that does not parse is dropped with one log line by the reader.
 */
record Wire(byte op, long id, String replyTo, int[] fds, int opcode, int flags, byte[] payload) {
    static final byte SEND = 1, PUSH = 2, CLOSE = 3, RESET = 4, EXISTS = 5, INFO = 6, LIST = 7, REPLY = 8;
    /**
     * Room history ({@link RoomHistory}): RPUSH a published room message (replyTo: room, newline, entry id), BEGIN a
     * resume of one fd (replyTo: room), REPLAY its missed messages (replyTo: room, newline, last id replayed).
     */
    static final byte RPUSH = 9, BEGIN = 10, REPLAY = 11;

    /** Messages bigger than this are refused by the reader (a send of a larger payload fails on the sender). */
    static final int MAX_PAYLOAD = 64 << 20;

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + fds.length * 4 + payload.length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(op);
            out.writeLong(id);
            out.writeUTF(replyTo);
            out.writeInt(fds.length);
            for (int fd : fds) {
                out.writeInt(fd);
            }
            out.writeInt(opcode);
            out.writeInt(flags);
            out.writeInt(payload.length);
            out.write(payload);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Wire decode(byte[] b) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        byte op = in.readByte();
        long id = in.readLong();
        String replyTo = in.readUTF();
        int n = in.readInt();
        if (n < 0 || n > b.length / 4) {
            throw new IOException("bad fd count " + n);
        }
        int[] fds = new int[n];
        for (int i = 0; i < n; i++) {
            fds[i] = in.readInt();
        }
        int opcode = in.readInt();
        int flags = in.readInt();
        int len = in.readInt();
        if (len < 0 || len > in.available()) {
            throw new IOException("bad payload length " + len);
        }
        return new Wire(op, id, replyTo, fds, opcode, flags, in.readNBytes(len));
    }

    /** A {@code getClientInfo} map (Integer, Long, Double and String values) as bytes. */
    static byte[] map(Map<String, Object> m) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(m.size());
            for (Map.Entry<String, Object> e : m.entrySet()) {
                out.writeUTF(e.getKey());
                switch (e.getValue()) {
                    case Integer i -> {
                        out.writeByte('i');
                        out.writeInt(i);
                    }
                    case Long l -> {
                        out.writeByte('l');
                        out.writeLong(l);
                    }
                    case Double d -> {
                        out.writeByte('d');
                        out.writeDouble(d);
                    }
                    default -> {
                        out.writeByte('s');
                        out.writeUTF(String.valueOf(e.getValue()));
                    }
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> map(byte[] b) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        int n = in.readInt();
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String k = in.readUTF();
            int tag = in.readByte();
            m.put(k, switch (tag) {
                case 'i' -> in.readInt();
                case 'l' -> in.readLong();
                case 'd' -> in.readDouble();
                case 's' -> in.readUTF();
                default -> throw new IOException("bad value tag " + tag);
            });
        }
        return m;
    }

    static byte[] ints(int[] values) {
        return new Wire((byte) 0, 0, "", values, 0, 0, new byte[0]).encode();
    }

    static int[] ints(byte[] b) throws IOException {
        return decode(b).fds();
    }
}
