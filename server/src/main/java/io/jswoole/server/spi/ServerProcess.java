package io.jswoole.server.spi;

/**
 * A user process added with {@code Server.addProcess}: what runs in the JVM the server starts for it. The server
 * starts that JVM as it starts PROCESS mode's worker JVMs (the application's own main runs again, builds the same
 * server and adds the same processes), supervises it in every mode (a new one when it exits; SIGTERM, then SIGKILL
 * after {@code max_wait_time}, on shutdown), and connects it to the server so that {@code send}, {@code close},
 * {@code getClientList}, {@code getClientInfo}, {@code stats} and {@code sendMessage} work in it.
 * {@code io.jswoole.process.Process} implements it.
 */
public interface ServerProcess {
    /** Its name in {@code ps}. */
    String title();

    /**
     * Runs the process's body, in the JVM started for it (as a coroutine when coroutines are on). When it returns or
     * throws, the JVM exits and the server starts another.
     */
    void runInServer() throws Exception;

    /**
     * The server took it as user process {@code index} ({@code addProcess}), in every JVM that builds the server:
     * {@code writer} carries a message to the process's pipe (false when it cannot arrive); {@code inProcess} says
     * this JVM is the process's own.
     */
    default void added(int index, java.util.function.Predicate<byte[]> writer, boolean inProcess) {
    }

    /** In the process's JVM: a message a worker wrote to its pipe (called on the link's reader thread). */
    default void piped(byte[] data) {
    }
}
