package io.jswoole.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongToIntFunction;

/**
 * The threads of a process ({@code /proc/PID/task}): Linux keeps CPU affinity and nice values per thread, so a
 * call meant for a whole JVM (dozens of threads) is made for each.
 */
final class Tasks {
    private Tasks() {
    }

    /**
     * Applies {@code call} (a libc call returning 0 on success) to every thread of {@code pid}; true when it
     * succeeded for all that still exist (a thread may end meanwhile).
     */
    static boolean forEach(long pid, LongToIntFunction call) {
        boolean any = false;
        try (var tids = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tids::iterator) {
                long tid = Long.parseLong(t.getFileName().toString());
                if (call.applyAsInt(tid) != 0) {
                    if (Libc.errno() == Libc.ESRCH) {
                        continue;
                    }
                    return false;
                }
                any = true;
            }
        } catch (IOException e) {
            return false;
        }
        return any;
    }
}
