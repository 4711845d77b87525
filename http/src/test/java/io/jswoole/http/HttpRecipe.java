package io.jswoole.http;

import io.jswoole.server.Mode;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import io.jswoole.server.Settings;
import io.jswoole.server.SockType;
import io.jswoole.websocket.WebSocketServer;

/**
 * A {@link Recipe} for an HTTP server: the test kit builds an {@link HttpServer} (in every worker JVM too), and the
 * HTTP settings cross to worker JVMs as they do in the test's JVM.
 */
public interface HttpRecipe extends Recipe {
    @Override
    default Server create(String host, Mode mode, SockType type) {
        return new HttpServer(host, 0, mode);
    }

    @Override
    default Object parse(String key, String raw) {
        return HttpSettings.handles(key) ? HttpSettings.parse(key, raw) : Settings.parse(key, raw);
    }

    /** The same for a {@link WebSocketServer}. */
    interface WebSocket extends HttpRecipe {
        @Override
        default Server create(String host, Mode mode, SockType type) {
            return new WebSocketServer(host, 0, mode);
        }
    }
}
