package io.jswoole.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of a child JVM ({@link Launcher}): connects the pipe, builds the child's own {@link Process} (or
 * pool worker), and calls the entry point. Arguments: the pipe's socket path ({@code -} for none), the mode, then
 * the mode's own.
 * <p>When the entry point returns, the JVM ends as any Java program does (once its non-daemon threads have: a child
 * that started a server or threads keeps running, as a Swoole child with an event loop does), with status 0; when it
 * throws, the stack goes to standard error and the status is 255 (PHP's status for a fatal error).
 */
final class ChildMain {
    static final String MODE_PROCESS = "process";
    static final String MODE_POOL = "pool";

    private ChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Pipe pipe = null;
        try {
            if (MODE_PROCESS.equals(args[1])) {
                int pipeType = Integer.parseInt(args[4]);
                boolean redirect = Boolean.parseBoolean(args[5]);
                pipe = args[0].equals("-") ? null : new Pipe(Launcher.connect(args[0]), pipeType);
                Process.Entry entry = new Process.Entry(Class.forName(args[2]), args[3]);
                Process self = Process.inChild(entry, redirect, pipeType, pipe);
                if (redirect) {
                    System.setOut(new PrintStream(pipe.out(), true, StandardCharsets.UTF_8));
                    System.setIn(pipe.in());
                }
                call(entry, self);
                System.out.flush();
            } else if (MODE_POOL.equals(args[1])) {
                pipe = new Pipe(Launcher.connect(args[0]), Process.PIPE_TYPE_DGRAM);
                PoolWorker.run(pipe, java.util.Arrays.copyOfRange(args, 2, args.length));
            } else {
                throw new IllegalArgumentException("unknown child mode " + args[1]);
            }
        } catch (Throwable t) {
            System.out.flush();
            System.err.println("jswoole: the child process's entry point failed:");
            t.printStackTrace();
            System.exit(255);
        }
    }

    /** Calls {@code owner.method(self)}, whatever its return type (the class itself need not be public). */
    static void call(Process.Entry entry, Object self) throws Throwable {
        java.lang.reflect.Method m = entry.owner().getMethod(entry.method(), self.getClass());
        m.setAccessible(true);
        try {
            m.invoke(null, self);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * {@code exec} in the child: starts the program with the pipe (or this JVM's streams) as its standard input
     * and output, waits for it and exits with its status. A SIGTERM to this JVM reaches the program through the
     * shutdown hook (SIGKILL cannot: the program then runs on until its pipe closes).
     */
    static void exec(Process self, Pipe pipe, String path, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(path);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove(Launcher.TOKEN_ENV);
        if (pipe != null) {
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        } else {
            pb.inheritIO();
        }
        System.out.flush();
        java.lang.Process program = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(program::destroy));
        if (pipe != null) {
            OutputStream toProgram = program.getOutputStream();
            Thread.ofPlatform().daemon().name("jswoole-exec-stdin").start(() -> copy(pipe.in(), toProgram, true));
            copy(program.getInputStream(), pipe.out(), false);
        }
        int status;
        try {
            status = program.waitFor();
        } catch (InterruptedException e) {
            program.destroyForcibly();
            status = 255;
        }
        Runtime.getRuntime().halt(status); // as execve: no shutdown hooks of the replaced program run
    }

    private static void copy(InputStream in, OutputStream out, boolean closeOut) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the program or the parent went away: its exit status tells the rest
        } finally {
            if (closeOut) {
                try {
                    out.close();
                } catch (IOException e) {
                    // gone already
                }
            }
        }
    }
}
