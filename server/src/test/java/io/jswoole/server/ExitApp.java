package io.jswoole.server;

import io.jswoole.timer.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * For {@link WorkerExitTest} (its worker JVMs run {@link #main}): each worker starts a 1 s tick timer; workerExit
 * writes {@code exit <worker> <pid> timers=<n>} to {@code exit.log} in the directory given and clears the timers.
 * A line in, the worker's pid out.
 */
public final class ExitApp {
    private ExitApp() {
    }

    static Server create(Mode mode, Path dir) {
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "max_wait_time", 10, "open_eof_split", true, "package_eof", "\n"));
        s.onWorkerStart((srv, id) -> Timer.tick(1000, t -> { }));
        s.onWorkerExit((srv, id) -> {
            String line = "exit " + id + " " + ProcessHandle.current().pid() + " timers=" + Timer.list().size() + "\n";
            try {
                Files.writeString(dir.resolve("exit.log"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Timer.clearAll();
        });
        s.onReceive((srv, fd, rid, data) -> srv.send(fd, ProcessHandle.current().pid() + "\n"));
        if (mode == Mode.PROCESS) {
            s.workerEntry(ExitApp.class, dir.toString());
        }
        return s;
    }

    public static void main(String[] args) {
        create(Mode.PROCESS, Path.of(args[0])).start();
    }
}
