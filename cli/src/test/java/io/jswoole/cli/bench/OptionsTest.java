package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The command line: defaults, the forms of -s and of durations, and messages that say what to type. */
class OptionsTest {
    @Test
    void theSeedsCommandLine() {
        BenchOptions o = BenchOptions.parse(new String[] {"-c", "100", "-n", "10000", "-s", "tcp://127.0.0.1:9501",
                "-f", "long_tcp"});
        assertThat(o.connections()).isEqualTo(100);
        assertThat(o.requests()).isEqualTo(10000);
        assertThat(o.duration()).isZero();
        assertThat(o.target()).isEqualTo(new Target("tcp", "127.0.0.1", 9501));
        assertThat(o.openLoop()).isFalse();
    }

    @Test
    void defaultsToTenSecondsWithoutMinusN() {
        assertThat(BenchOptions.parse(new String[0]).duration()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void targets() {
        assertThat(Target.parse("udp://[::1]:53")).isEqualTo(new Target("udp", "::1", 53));
        assertThat(Target.parse("unix:/run/echo.sock")).isEqualTo(new Target("unix", "/run/echo.sock", 0));
        assertThat(Target.parse("/run/echo.sock").isUnix()).isTrue();
        assertThat(Target.parse("localhost:80")).isEqualTo(new Target("tcp", "localhost", 80));
        assertThat(Target.parse("tls://localhost:443").isTls()).isTrue();
        assertThatThrownBy(() -> Target.parse("http://x:80")).hasMessage("-s takes tcp://host:port, "
                + "tls://host:port, udp://host:port or unix:/path, got 'http://x:80'");
    }

    @Test
    void durations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("3")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"-d", "soon"}))
                .hasMessage("-d takes a duration such as 10s, 500ms or 2m, got 'soon'");
    }

    @Test
    void badOptionsSayWhatToType() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--conns"}))
                .hasMessage("unknown option '--conns' (./jswoole bench --help lists them)");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"-c"}))
                .hasMessage("-c needs a value (./jswoole bench --help)");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"-R", "10", "-c", "64"}))
                .hasMessage("-R 10 is below one request per second per connection (-c 64): lower -c or raise -R");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fail-if", "p99>>5ms"}))
                .hasMessageStartingWith("--fail-if takes conditions such as 'p99>5ms,errors>0,rps<1000'");
        assertThatThrownBy(() -> Units.create(BenchOptions.parse(new String[] {"-f", "length", "--set",
                "package_length_type=x"}))).hasMessage("package_length_type: unknown type 'x' (one of c C s S n N l L "
                + "v V q Q J P)");
        assertThatThrownBy(() -> Units.create(BenchOptions.parse(new String[] {"-f", "short_tcp", "-P", "4"})))
                .hasMessage("-f short_tcp sends one request per connection: -P must be 1");
        assertThatThrownBy(() -> Units.create(BenchOptions.parse(new String[] {"-s", "udp://127.0.0.1:9502"})))
                .hasMessage("-s udp://127.0.0.1:9502 is UDP, but -f long_tcp needs a stream; use -f udp, or "
                        + "-s tcp://127.0.0.1:9502");
    }

    @Test
    void theBottleneckWarning() {
        assertThat(Report.bottleneck(new CpuMeter.Use(0.5, new double[] {0.45}))).isNull();
        assertThat(Report.bottleneck(new CpuMeter.Use(1.0, new double[] {0.3, 0.97})))
                .startsWith("WARNING: an event loop of the generator was 97% busy");
    }
}
