package io.jswoole.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.netty.util.ResourceLeakDetector;
import org.HdrHistogram.Histogram;

/**
 * {@code ./jswoole bench}: the seeds' stress tool ({@code -c -n -s -f}) for every protocol jswoole serves, with
 * HdrHistogram percentiles, an open loop ({@code -R}), reply checks and thresholds. {@link #run} is the whole
 * command; exit codes: 0 done, 1 nothing answers at the address, 2 a bad option (IllegalArgumentException, which
 * the CLI prints), 3 a {@code --fail-if} condition holds.
 */
public final class Bench {
    /** The flags of the echo generator that came first (bench/echo.sh and BENCHMARKS.md use them). */
    private static final Set<String> LEGACY_FLAGS = Set.of("--host", "--port", "--conns", "--size", "--seconds",
            "--runs", "--framed");
    private static final Set<String> LEGACY_COMMANDS = Set.of("netty-echo", "task", "ws", "ws-server",
            "ws-netty-echo");

    private Bench() {
    }

    /** True for the command lines of the older echo generator in module bench ({@code bench/echo.sh}). */
    public static boolean legacy(String[] args) {
        if (args.length > 0 && LEGACY_COMMANDS.contains(args[0])) {
            return true;
        }
        for (String a : args) {
            if (LEGACY_FLAGS.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Runs the command; answers its exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.print(BenchOptions.USAGE);
            return 0;
        }
        BenchOptions o = BenchOptions.parse(args);
        Unit unit = Units.create(o);
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty samples one buffer in 128 with a stack trace by default: a cost per request that wrk and
            // h2load do not pay (measured: most of the generator's exceptions). -Dio.netty.leakDetection.level
            // turns it back on (the tests run it paranoid).
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        PrintStream info = o.json() ? err : out;
        PrintStream live = o.quiet() ? null : info;
        int clients = o.hold() > 0 ? o.hold() : o.connections();
        info.println(Report.header(o, clients));
        Result r = o.hold() > 0 ? Hold.run(o, unit, info, live)
                : new Runner(o, unit, clients, -1, false).load(live);
        if (o.json()) {
            out.println(JsonReport.of(r));
        } else {
            Report.print(r, out);
        }
        if (o.hgrm() != null) {
            writeHgrm(o.hgrm(), r);
        }
        if (r.aborted()) {
            err.println("jswoole: no server answers at " + o.target() + " ("
                    + Report.classes(r.total().connectErrors) + "); start one first, e.g. ./jswoole run tcp-echo");
            return 1;
        }
        if (o.failIf() != null) {
            List<String> violated = Thresholds.violated(o.failIf(), r);
            if (!violated.isEmpty()) {
                err.println("jswoole: --fail-if: " + String.join(", ", violated));
                return 3;
            }
        }
        return 0;
    }

    /** The latency histogram (corrected under -R; the uncorrected one beside it in FILE.uncorrected). */
    private static void writeHgrm(String file, Result r) throws IOException {
        write(Path.of(file), r.latency());
        if (r.options().openLoop()) {
            write(Path.of(file + ".uncorrected"), r.total().latency);
        }
    }

    private static void write(Path path, Histogram h) throws IOException {
        try (PrintStream p = new PrintStream(Files.newOutputStream(path), false, "UTF-8")) {
            h.outputPercentileDistribution(p, 1000.0); // microseconds
        }
    }
}
