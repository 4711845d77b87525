package io.jswoole.server;

import io.jswoole.server.os.SystemdNotifyTest;
import java.util.Map;

/**
 * A server for {@link SystemdNotifyTest}, run in a JVM of its own so that it sees the test's {@code NOTIFY_SOCKET}:
 * echo on 127.0.0.1 port 0 with two workers in the mode given; prints {@code PORT n} from its start callback. Its
 * worker JVMs (PROCESS mode) run this main again.
 */
public final class NotifyApp {
    private NotifyApp() {
    }

    public static void main(String[] args) {
        Mode mode = Mode.valueOf(args[0]);
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 2));
        s.onReceive((srv, fd, rid, data) -> srv.send(fd, data));
        s.onStart(srv -> {
            System.out.println("PORT " + srv.port());
            System.out.flush();
        });
        if (mode == Mode.PROCESS) {
            s.workerEntry(NotifyApp.class, args);
        }
        s.start();
    }
}
