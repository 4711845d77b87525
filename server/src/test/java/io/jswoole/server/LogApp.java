package io.jswoole.server;

import io.jswoole.log.Log;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * For {@link LoggingTest}, in a JVM of its own: starts a server, writes one line through Netty's logger and one
 * through jswoole's, and stops.
 */
public final class LogApp {
    private LogApp() {
    }

    public static void main(String[] args) throws Exception {
        Server s = new Server("127.0.0.1", 0);
        s.set(Map.of("worker_num", 1));
        s.onReceive((srv, fd, rid, data) -> srv.send(fd, data));
        Thread t = Thread.ofPlatform().start(s::start);
        if (!s.awaitStarted(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not started");
        }
        InternalLoggerFactory.getInstance("io.netty.test.LogApp").warn("netty says {}", 42);
        Log.warning("jswoole says 43");
        s.shutdown();
        t.join();
    }
}
