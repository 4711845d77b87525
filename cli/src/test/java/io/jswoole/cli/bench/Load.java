package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the generator in this JVM: the Result for assertions, or the command's output and exit code. */
final class Load {
    private Load() {
    }

    /**
     * Every request of {@code r} answered well: no error, {@code requests} sent, each ok and timed, and bytes
     * counted both ways.
     */
    static void allGood(Result r, long requests) {
        LoopStats.Counts t = r.total();
        assertThat(t.errors).isEmpty();
        assertThat(t.sent).isEqualTo(requests).isEqualTo(t.ok + t.failed);
        assertThat(t.ok).isEqualTo(requests);
        assertThat(t.latency.getTotalCount()).isEqualTo(requests);
        assertThat(t.bytesSent).isPositive();
        assertThat(t.bytesReceived).isPositive();
    }

    static Result run(String... args) throws Exception {
        BenchOptions o = BenchOptions.parse(args);
        Unit unit = Units.create(o);
        return new Runner(o, unit, o.connections(), -1, false).load(null);
    }

    /** The command as the CLI runs it. */
    record Output(int code, String out, String err) {
    }

    static Output command(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Bench.run(args, o, e);
        }
        return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
