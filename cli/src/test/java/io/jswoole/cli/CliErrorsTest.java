package io.jswoole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A mistake on the command line gets one line that says what to type instead, and an exit code; no trace. */
class CliErrorsTest {
    private record Result(int code, String stderr) {
        /** The line jswoole printed (the JDK's own warnings and the server's log lines aside). */
        String line() {
            List<String> ours = Arrays.stream(stderr.split("\n")).filter(l -> l.startsWith("jswoole: ")).toList();
            assertThat(ours).as(stderr).hasSize(1);
            assertThat(stderr).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception in thread");
            return ours.getFirst();
        }
    }

    private static Result cli(boolean flag, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (flag) {
            cmd.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(err).isTrue();
        return new Result(p.exitValue(), err);
    }

    @Test
    void aModeThatDoesNotExist() throws Exception {
        Result r = cli(true, "run", "tcp-echo", "--mode", "bogus");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.line()).isEqualTo("jswoole: --mode takes base, thread or process, got 'bogus'");
    }

    @Test
    void aPortThatIsNotANumber() throws Exception {
        Result r = cli(true, "run", "tcp-echo", "--port", "abc");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.line()).isEqualTo("jswoole: --port takes a number from 0 to 65535, got 'abc'");
    }

    @Test
    void stopWithAPidFileThatIsNotThere() throws Exception {
        Result r = cli(true, "stop", "--pid-file", "/nonexistent/server.pid");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.line()).isEqualTo("jswoole: no pid file /nonexistent/server.pid: is a server running with "
                + "--set pid_file=/nonexistent/server.pid?");
    }

    @Test
    void benchWithNoServer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free once closed
        }
        Result r = cli(true, "bench", "--port", String.valueOf(port), "--seconds", "1", "--warmup", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.line()).startsWith("jswoole: no server answers (").contains("./jswoole run tcp-echo");
    }

    @Test
    void aBenchFlagThatIsNotANumber() throws Exception {
        Result r = cli(true, "bench", "--conns", "many");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.line()).isEqualTo("jswoole: expected a number, got \"many\"");
    }

    @Test
    void aBenchOptionThatIsNotANumberNamesTheOption() throws Exception {
        Result r = cli(true, "bench", "-c", "many");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.line()).isEqualTo("jswoole: -c takes a number of connections from 1 to 1000000, got 'many'");
    }

    @Test
    void benchHttp2NeedsTcp() throws Exception {
        Result r = cli(true, "bench", "-f", "http2", "-s", "unix:/tmp/jswoole-no-such.sock");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.line()).isEqualTo("jswoole: -f http2 connects over TCP: give -s tcp://host:port (h2c) or "
                + "tls://host:port (h2)");
    }

    /** The demo starts all its servers or none: one port taken stops it, with the bind error. */
    @Test
    void demoWithOneOfItsPortsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int base = taken.getLocalPort() - 5; // http-hello's port, base + 5, is the taken one
            Result r = cli(true, "demo", "--port", String.valueOf(base));
            assertThat(r.code()).isEqualTo(1);
            // (another of its ports may be taken by someone else, which stops it the same way)
            assertThat(r.line()).startsWith("jswoole: cannot bind");
        }
    }

    @Test
    void aJvmWithoutTheFlag() throws Exception {
        Result r = cli(false, "run", "tcp-echo", "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.line()).contains("--add-opens java.base/java.lang=ALL-UNNAMED");
    }
}
