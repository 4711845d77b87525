package io.jswoole.examples;

import io.jswoole.process.Process;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code ./jswoole run process-pipe [DIR]}: a parent and a child process exchanging lines over the child's
 * redirected standard input and output, then a second child that {@code exec}s {@code ls -1 DIR} (the working
 * directory by default), whose listing the parent reads from the pipe. Each child is a JVM of its own that runs
 * one of the entry points below (a JVM cannot fork a closure).
 */
public final class ProcessPipe {
    private ProcessPipe() {
    }

    /** The first child: answers each line of its standard input on its standard output, both the pipe. */
    public static void child(Process self) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            System.out.println("child " + ProcessHandle.current().pid() + " got '" + line + "' ("
                    + line.length() + " chars)");
        }
    }

    /** The second child: reads a directory from the pipe and becomes {@code ls -1} of it. */
    public static void lister(Process self) throws IOException {
        String dir = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        self.exec("/bin/ls", List.of("-1", dir));
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        run(args.length > 0 ? args[0] : ".", System.out);
    }

    /** Runs both exchanges, printing to {@code out}; returns the second child's exit. */
    public static Process.Exit run(String dir, PrintStream out) throws IOException, InterruptedException {
        Process p = new Process(ProcessPipe.class, "child", true, Process.PIPE_TYPE_STREAM);
        out.println("parent " + ProcessHandle.current().pid() + " started child " + p.start());
        for (String line : List.of("hello", "from the parent", "bye")) {
            p.write(line + "\n");
            out.print(readLine(p));
        }
        p.close(Process.PIPE_WRITE);
        out.println("child exited: " + Process.wait(true));

        Process ls = new Process(ProcessPipe.class, "lister", true, Process.PIPE_TYPE_STREAM);
        ls.start();
        ls.write(dir + "\n");
        out.println("ls -1 " + dir + ":");
        for (byte[] b; (b = ls.read()) != null; ) {
            out.print(new String(b, StandardCharsets.UTF_8));
        }
        Process.Exit e = Process.wait(true);
        out.println("ls exited: " + e);
        return e;
    }

    /** One line from a stream pipe, which gives bytes as they come, not lines. */
    private static String readLine(Process p) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (byte[] b; (b = p.read(1)) != null; ) {
            line.write(b[0]);
            if (b[0] == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
