package io.jswoole.websocket;

import java.nio.charset.StandardCharsets;

/** Swoole's {@code WebSocket\CloseFrame}: a close frame delivered by {@code open_websocket_close_frame}. */
public final class CloseFrame extends Frame {
    private final int code;
    private final String reason;

    public CloseFrame(int fd, int code, String reason) {
        super(fd, reason.getBytes(StandardCharsets.UTF_8), WebSocket.OPCODE_CLOSE, WebSocket.FLAG_FIN, true);
        this.code = code;
        this.reason = reason;
    }

    /** The close code (1005 when the peer sent none). */
    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
