package io.jswoole.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seeds' admin port: worker 0 listens on one more port with a {@code ServerSocketChannel} in its event loop
 * ({@code Event.add}) while the server serves its own port; in PROCESS mode the admin port is worker 0's JVM's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminPortTest {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Socket connectWithin(int port, long seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                return Running.connect(port);
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    private static String readLines(InputStream in, String until) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().contains(until)) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    private static String nc(int port, String input) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf '" + input + "' | nc -q1 127.0.0.1 " + port)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theAdminPortAnswersInWorkerZeroWhileTheMainPortServes(Mode mode) throws Exception {
        int admin = freePort();
        Server server = AdminPort.create(new ExampleOptions("127.0.0.1", 0, mode, Map.of("worker_num", 2)), admin);
        if (mode == Mode.PROCESS) {
            server.workerEntry(AdminPort.class, "--mode", "process", "--port", "0", "--admin-port",
                    String.valueOf(admin), "--set", "worker_num=2");
        }
        try (Running s = Running.start(server)) {
            try (Socket main = s.connect(); Socket adm = connectWithin(admin, 60)) {
                assertThat(Running.exchange(main, "hello")).isEqualTo("hello");
                adm.getOutputStream().write("ping\nstats\n".getBytes(StandardCharsets.US_ASCII));
                String got = readLines(adm.getInputStream(), "\n\n");
                assertThat(got).startsWith("pong\nworker 0 pid ").contains("worker_num: 2\n");
                long pid = Long.parseLong(got.split("\n")[1].substring("worker 0 pid ".length()));
                if (mode == Mode.PROCESS) {
                    assertThat(pid).as("worker 0's JVM answers").isNotEqualTo(ProcessHandle.current().pid())
                            .isEqualTo(server.getWorkerPid(0));
                } else {
                    assertThat(pid).isEqualTo(ProcessHandle.current().pid());
                }
                assertThat(got).containsPattern("\nconnection_num: [1-9]"); // the main port's client, from stats()
                // the main port keeps serving while the admin connection is open, and the other way round
                for (int i = 0; i < 20; i++) {
                    assertThat(Running.exchange(main, "m" + i)).isEqualTo("m" + i);
                }
                adm.getOutputStream().write("nothing\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readLines(adm.getInputStream(), "\n"))
                        .isEqualTo("unknown command 'nothing'; try ping, stats, quit\n");
                // a command line past the limit closes the connection with one line
                adm.getOutputStream().write(new byte[AdminPort.MAX_LINE + 10]);
                assertThat(readLines(adm.getInputStream(), "\n")).startsWith("error: a command line is at most");
                assertThat(adm.getInputStream().read()).isEqualTo(-1);
            }
            // netcat, as the example's Javadoc says to try it
            assertThat(nc(admin, "ping\\nstats\\nquit\\n")).startsWith("pong\nworker 0 pid ")
                    .contains("worker_num: 2\n");
        }
        // the worker stopped: its admin listener is closed with it
        assertThat(Running.eventually(() -> {
            try (Socket ignored = Running.connect(admin)) {
                return false;
            } catch (IOException e) {
                return true;
            }
        })).isTrue();
    }
}
