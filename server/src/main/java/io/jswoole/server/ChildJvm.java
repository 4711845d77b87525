package io.jswoole.server;

import java.util.List;

/**
 * The command line of a child JVM started the way PROCESS mode starts its worker JVMs: the same java, flags and
 * class path, a class-data archive of its own, a title in {@code ps}. {@code io.jswoole.process} starts the
 * children of {@code Process}, {@code Pool} and {@code Manager} with it; this is its one way to the engine's
 * launcher, which lives in an internal package.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Runs {@code mainClass} with {@code args}, named {@code title} in {@code ps}, with the class path of
     * {@code loader}. One JVM at a time may use a {@code slot} (it writes that slot's archive when it exits).
     */
    public static List<String> command(String title, int slot, Class<?> mainClass, List<String> args,
            ClassLoader loader) {
        return io.jswoole.server.process.WorkerCommand.childJvm(title, slot, mainClass, args, loader);
    }
}
