package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.SharedModesTest.Client;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reload() starts worker JVMs that load the application's classes afresh: changed code takes effect. */
class ReloadCodeTest {
    @TempDir
    Path tmp;

    /** A worker JVM: the greeting comes from a class compiled by the test, read from disk when the JVM starts. */
    public static void main(String[] args) throws Exception {
        Class<?> greeting = Class.forName("Greeting");
        String text = (String) greeting.getMethod("text").invoke(null);
        Server s = server(text);
        s.start();
    }

    static Server server(String text) {
        Server s = new Server("127.0.0.1", 0, Mode.PROCESS);
        s.set(Map.of("worker_num", 1, "open_eof_split", true, "package_eof", "\n"));
        s.onReceive((srv, fd, rid, data) -> srv.send(fd, text + "\n"));
        return s;
    }

    private void compile(Path classes, String text) throws Exception {
        Path src = tmp.resolve("src/Greeting.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "public class Greeting { public static String text() { return \"" + text + "\"; } }");
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString());
        assertThat(rc).isZero();
    }

    @Test
    void aReloadedWorkerRunsTheNewCode() throws Exception {
        Path classes = tmp.resolve("classes");
        compile(classes, "hello v1");
        String saved = System.getProperty("java.class.path");
        String cp = System.getProperty("surefire.test.class.path", saved);
        System.setProperty("java.class.path", cp + File.pathSeparator + classes);
        try {
            // the master's own callback is never used in PROCESS mode: workers answer
            Server s = server("master").workerEntry(ReloadCodeTest.class);
            try (Running r = Running.start(s); Client c = new Client(r.port())) {
                assertThat(c.ask("greet")).isEqualTo("hello v1");
                int before = s.getWorkerPid(0);
                compile(classes, "hello v2");
                assertThat(s.reload()).isTrue();
                assertThat(eventually(() -> s.getWorkerPid(0) != before)).isTrue();
                assertThat(c.ask("greet")).as("same connection, new code").isEqualTo("hello v2");
            }
        } finally {
            System.setProperty("java.class.path", saved);
        }
    }
}
