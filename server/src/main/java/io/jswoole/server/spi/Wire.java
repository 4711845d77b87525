package io.jswoole.server.spi;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The field encodings of jswoole's IPC frames, for protocols' {@link PortProtocol.Remote} codecs too:
 * {@code bytes := length:int32 + bytes}, {@code str := bytes} (UTF-8). A frame is read whole before it is parsed,
 * so a length larger than what is left of it is corrupt, and refused before anything is allocated.
 */
public final class Wire {
    private Wire() {
    }

    public static void writeBytes(DataOutput out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    public static byte[] readBytes(FrameInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.remaining()) {
            throw new IOException("bad length " + n + " (" + in.remaining() + " bytes left in the frame)");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    public static void writeString(DataOutput out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    public static String readString(FrameInput in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }
}
