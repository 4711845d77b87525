package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.SharedModesTest.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** daemonize: the foreground JVM exits at once, a detached copy serves and writes pid_file. */
class DaemonizeTest {
    @TempDir
    Path tmp;

    /** The program that daemonizes: CommandApp in BASE mode on a fixed port, with pid_file and log_file. */
    public static void main(String[] args) {
        Server s = CommandApp.create(Mode.BASE, Map.of("daemonize", true, "pid_file", args[0], "log_file", args[1],
                "task_worker_num", 0));
        s.ports().get(0).port = Integer.parseInt(args[2]);
        s.start();
    }

    @Test
    void theForegroundExitsAndADetachedServerServes() throws Exception {
        Path pidFile = tmp.resolve("d.pid");
        Path log = tmp.resolve("d.log");
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process fg = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", cp,
                DaemonizeTest.class.getName(), pidFile.toString(), log.toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        long pid = -1;
        try {
            assertThat(fg.waitFor(30, TimeUnit.SECONDS)).as("the foreground returns").isTrue();
            assertThat(fg.exitValue()).isZero();
            assertThat(new String(fg.getInputStream().readAllBytes())).contains("daemonized: pid");
            assertThat(eventually(() -> Files.exists(pidFile))).isTrue();
            pid = Long.parseLong(Files.readString(pidFile).trim());
            assertThat(pid).isNotEqualTo(fg.pid());
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertThat(f[3]).as("session leader (setsid)").isEqualTo(Long.toString(pid));
            try (Client c = new Client(port)) {
                assertThat(c.ask("echo from the daemon")).isEqualTo("from the daemon");
            }
        } finally {
            // whatever failed above, the daemon does not outlive the test: found by its pid_file argument (unique to
            // this test's directory), not by the pid file, which may be what failed
            long known = pid;
            for (ProcessHandle daemon : ProcessHandle.allProcesses()
                    .filter(h -> h.pid() == known
                            || h.info().commandLine().map(c -> c.contains(pidFile.toString())).orElse(false))
                    .toList()) {
                daemon.destroy(); // SIGTERM: a graceful shutdown, which removes the pid file
                daemon.onExit().get(20, TimeUnit.SECONDS);
            }
        }
        assertThat(pidFile).as("removed at shutdown").doesNotExist();
        assertThat(Files.readString(log)).contains("server started");
    }
}
