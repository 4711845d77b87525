package io.jswoole.websocket;

/** Swoole's WebSocket constants: opcodes, push flags, connection status and close codes. */
public final class WebSocket {
    private WebSocket() {
    }

    public static final int OPCODE_CONTINUATION = 0, OPCODE_TEXT = 1, OPCODE_BINARY = 2, OPCODE_CLOSE = 8,
            OPCODE_PING = 9, OPCODE_PONG = 10;

    /** Push flags: FIN ends the message (the default); COMPRESS asks for permessage-deflate when negotiated. */
    public static final int FLAG_FIN = 1, FLAG_COMPRESS = 2, FLAG_RSV1 = 4, FLAG_RSV2 = 8, FLAG_RSV3 = 16,
            FLAG_MASK = 32;

    /** {@code websocket_status}: a plain connection, handshake under way, established, closing. */
    public static final int STATUS_CONNECTION = 1, STATUS_HANDSHAKE = 2, STATUS_ACTIVE = 3, STATUS_CLOSING = 4;

    public static final int CLOSE_NORMAL = 1000, CLOSE_GOING_AWAY = 1001, CLOSE_PROTOCOL_ERROR = 1002,
            CLOSE_DATA_ERROR = 1003, CLOSE_STATUS_ERROR = 1005, CLOSE_ABNORMAL = 1006, CLOSE_MESSAGE_ERROR = 1007,
            CLOSE_POLICY_ERROR = 1008, CLOSE_MESSAGE_TOO_BIG = 1009, CLOSE_EXTENSION_MISSING = 1010,
            CLOSE_SERVER_ERROR = 1011, CLOSE_SERVICE_RESTART = 1012, CLOSE_TRY_AGAIN_LATER = 1013,
            CLOSE_BAD_GATEWAY = 1014, CLOSE_TLS = 1015;
}
