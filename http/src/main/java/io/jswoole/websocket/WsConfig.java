package io.jswoole.websocket;

import java.util.Map;

/** The WebSocket settings of a server, fixed when it starts. */
record WsConfig(long maxMessage, String subprotocol, boolean compression, boolean closeFrame, boolean pingFrame,
                boolean pongFrame, boolean mask) {

    static WsConfig from(Map<String, Object> s) {
        Object pml = s.get("package_max_length");
        return new WsConfig(pml == null ? 2L << 20 : ((Number) pml).longValue(),
                (String) s.get("websocket_subprotocol"),
                (Boolean) s.getOrDefault("websocket_compression", false),
                (Boolean) s.getOrDefault("open_websocket_close_frame", false),
                (Boolean) s.getOrDefault("open_websocket_ping_frame", false),
                (Boolean) s.getOrDefault("open_websocket_pong_frame", false),
                (Boolean) s.getOrDefault("websocket_mask", false));
    }
}
