package io.jswoole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
        int port = Launched.freePort();
        List<String> titled = new ArrayList<>(List.of("bash", "-c", "exec -a 'jswoole: master' \"$@\"", "jswoole"));
        titled.addAll(Launched.java());
        titled.addAll(List.of("-cp", Launched.classPath(), Main.class.getName(), "run", "tcp-echo", "--port",
                Integer.toString(port), "--mode", "process", "--set", "worker_num=2"));
        try (Launched app = Launched.start(new ProcessBuilder(titled), port)) {
            assertThat(app.process().info().arguments()).as("the JDK sees no arguments of a titled process")
                    .isEmpty();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write("hello from a titled master\n".getBytes(StandardCharsets.UTF_8));
                byte[] buf = new byte[64];
                int n = 0;
                while (n < 27) {
                    int r = s.getInputStream().read(buf, n, buf.length - n);
                    assertThat(r).as(app.log()).isPositive();
                    n += r;
                }
                assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).contains("hello from a titled master");
            }
            assertThat(app.output()).noneMatch(l -> l.contains("cannot start the workers"));
        }
    }
}
