package io.jswoole.websocket;

import io.jswoole.server.Mode;

/** {@link WsApp} for the tests of other packages. */
public final class WsAppAccess {
    private WsAppAccess() {
    }

    public static WebSocketServer create(Mode mode) {
        return WsApp.create(mode);
    }
}
