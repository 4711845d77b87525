package io.jswoole.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code --hold N}: capacity mode. Opens N connections (through the unit's handshake, so a WebSocket is
 * upgraded), sends nothing on them, and, given the server's pid ({@code --pid}, or {@code --pid-file} as the
 * server's {@code pid_file} writes it), reports the growth of its resident memory per connection: the RSS of the
 * process and its descendants (PROCESS mode's worker JVMs) before the first connect and once all are open.
 * With {@code -d} the connections stay open that long afterwards.
 */
final class Hold {
    private Hold() {
    }

    /** The pid to measure, or 0 when none is given. */
    static long pid(BenchOptions o) {
        if (o.pid() > 0) {
            ProcessHandle.of(o.pid()).orElseThrow(() -> new IllegalArgumentException("--pid " + o.pid()
                    + ": no such process"));
            return o.pid();
        }
        if (o.pidFile() == null) {
            return 0;
        }
        try {
            long pid = Long.parseLong(Files.readString(Path.of(o.pidFile())).trim());
            ProcessHandle.of(pid).orElseThrow(() -> new IllegalArgumentException("--pid-file " + o.pidFile()
                    + ": no process " + pid + " (a stale pid file?)"));
            return pid;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--pid-file " + o.pidFile() + ": no such file (is the server running "
                    + "with --set pid_file=" + o.pidFile() + "?)");
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("--pid-file " + o.pidFile() + " holds no pid");
        }
    }

    /** Resident memory in bytes of {@code pid} and its descendants, from /proc; -1 where /proc has none. */
    static long rss(long pid) {
        long sum = 0;
        boolean any = false;
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return -1;
        }
        for (long p : Stream.concat(Stream.of(pid), handle.get().descendants().map(ProcessHandle::pid)).toList()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        sum += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                        any = true;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // a process that ended meanwhile
            }
        }
        return any ? sum : -1;
    }

    static Result run(BenchOptions o, Unit unit, PrintStream out, PrintStream live) throws Exception {
        long pid = pid(o);
        long before = pid > 0 ? rss(pid) : -1;
        Runner r = new Runner(o, unit, o.hold(), 0, true);
        r.startClients();
        r.run.awaitFirstAttempts(o.timeout().toMillis() + 5000);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int open = r.openConnections();
        while (open < r.run.everConnected() && System.nanoTime() < until) {
            Thread.sleep(50); // handshakes still under way
            open = r.openConnections();
        }
        Thread.sleep(1000); // the server settles (lazy allocations, a GC)
        open = r.openConnections();
        long after = pid > 0 ? rss(pid) : -1;
        out.printf("held          %,d of %,d connections open%n", open, o.hold());
        if (pid > 0 && before > 0 && after > 0) {
            out.printf("server rss    %s before, %s with them: %s per connection (pid %d and its descendants)%n",
                    mb(before), mb(after), open == 0 ? "-" : "%,.1f KB".formatted((after - before) / 1024.0 / open),
                    pid);
        } else if (pid > 0) {
            out.println("server rss    not readable from /proc for pid " + pid);
        } else {
            out.println("server rss    not measured (give --pid PID or --pid-file F of a server on this machine)");
        }
        long end = System.nanoTime() + o.duration().toNanos();
        long second = 1;
        while (System.nanoTime() - end < 0) {
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            if (live != null) {
                live.printf("%4ds  held %,d%n", second++, r.openConnections());
            }
        }
        int held = r.openConnections();
        r.forEachClient(c -> c.abort(Errors.CLOSED));
        r.run.done.await(5, TimeUnit.SECONDS);
        Result res = r.finish();
        return new Result(res.options(), res.total(), res.elapsedNanos(), res.sendingNanos(), res.cpu(), 0,
                res.clients(),
                res.everConnected(), res.aborted(), held);
    }

    private static String mb(long bytes) {
        return "%.1f MB".formatted(bytes / 1e6);
    }
}
