package io.jswoole.server.process;

import java.util.List;

/**
 * What a worker JVM of PROCESS mode (or a daemonized copy of the master) runs: {@code className}'s {@code main}
 * with {@code args}, on the class path of {@code loader}; or, for {@link #COMMAND_LINE}, this JVM's command line.
 */
public record WorkerEntry(String className, List<String> args, ClassLoader loader) {
    public static final WorkerEntry COMMAND_LINE = new WorkerEntry(null, List.of(), null);
}
