package io.jswoole.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the generator in this JVM: the Result for assertions, or the command's output and exit code. */
final class Load {
    private Load() {
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
