package io.jswoole.websocket;

import java.nio.charset.StandardCharsets;

/**
 * Swoole's {@code WebSocket\Frame}: a whole message as the {@code message} event receives it (fragments are
 * reassembled first), or a control frame when {@code open_websocket_ping_frame} / {@code _pong_frame} /
 * {@code _close_frame} deliver those.
 */
public class Frame {
    private final int fd;
    private final byte[] data;
    private final int opcode;
    private final int flags;
    private final boolean finish;

    public Frame(int fd, byte[] data, int opcode, int flags, boolean finish) {
        this.fd = fd;
        this.data = data;
        this.opcode = opcode;
        this.flags = flags;
        this.finish = finish;
    }

    public int fd() {
        return fd;
    }

    /** The payload bytes (not copied: do not modify). */
    public byte[] data() {
        return data;
    }

    /** The payload as UTF-8 text (text messages are validated UTF-8). */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** {@link WebSocket#OPCODE_TEXT}, {@link WebSocket#OPCODE_BINARY}, or a control opcode. */
    public int opcode() {
        return opcode;
    }

    /** The frame flags: {@link WebSocket#FLAG_FIN} for a whole message. */
    public int flags() {
        return flags;
    }

    /** Whether this ends its message (always true for delivered messages). */
    public boolean finish() {
        return finish;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[fd=" + fd + ", opcode=" + opcode + ", " + data.length + " bytes]";
    }
}
