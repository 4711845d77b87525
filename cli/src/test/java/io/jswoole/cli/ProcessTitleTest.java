package io.jswoole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PROCESS mode started the way {@code ./jswoole run} starts it: the master's process title set with
 * {@code exec -a "jswoole: master"} and the class path on the command line. The JDK reports no arguments for such
 * a process (its {@code argv[0]} is not the executable), and the master could not start its worker JVMs: every
 * example failed with {@code --mode process} from the launcher.
 */
class ProcessTitleTest {
    @Test
    void aTitledMasterStartsItsWorkerJvmsAndEchoes() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec -a 'jswoole: master' \"$@\"", "jswoole",
                java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", cp, Main.class.getName(), "run", "tcp-echo",
                "--port", Integer.toString(port), "--mode", "process", "--set", "worker_num=2")
                .redirectErrorStream(true);
        Process p = pb.start();
        List<String> out = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.add(line);
                    if (line.contains("listening on")) {
                        ready.complete(true);
                    }
                }
            } catch (java.io.IOException ignored) {
                // exited
            }
            ready.complete(false);
        });
        try {
            assertThat(ready.get(60, TimeUnit.SECONDS)).as(String.join("\n", out)).isTrue();
            assertThat(p.info().arguments()).as("the JDK sees no arguments of a titled process").isEmpty();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write("hello from a titled master\n".getBytes(StandardCharsets.UTF_8));
                byte[] buf = new byte[64];
                int n = 0;
                while (n < 27) {
                    int r = s.getInputStream().read(buf, n, buf.length - n);
                    assertThat(r).as(String.join("\n", out)).isPositive();
                    n += r;
                }
                assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).contains("hello from a titled master");
            }
            assertThat(out).noneMatch(l -> l.contains("cannot start the workers"));
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
