package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.jswoole.server.Mode;
import io.jswoole.server.Server;
import org.junit.jupiter.api.Test;

/**
 * {@code --source}: connections are made from the addresses given, in turn (what lets a capacity run pass one
 * address's ~28,000 ephemeral ports to a single server port), as the server sees them.
 */
class SourceAddressTest {
    @Test
    void connectionsComeFromEachSourceInTurn() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Server echo = new Server("127.0.0.1", 0, Mode.BASE);
        echo.set(Servers.oneWorker(Map.of()));
        echo.onConnect((srv, fd, reactorId) -> srv.getClientInfo(fd).ifPresent(i -> seen.add(i.remoteIp())));
        echo.onReceive((srv, fd, reactorId, data) -> srv.send(fd, data));
        try (Servers s = Servers.start(echo)) {
            Result r = Load.run("-s", s.tcp(), "--source", "127.0.0.2-3,127.0.0.4", "-c", "6", "-n", "600",
                    "--verify");
            assertThat(r.total().ok).isEqualTo(600);
            assertThat(seen).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3", "127.0.0.4");
        }
    }

    @Test
    void sourcesAreAddressesNotNames() {
        assertThat(BenchOptions.sources("127.0.0.2-4")).containsExactly(addr("127.0.0.2"), addr("127.0.0.3"),
                addr("127.0.0.4"));
        assertThat(BenchOptions.sources("::1,127.0.0.9")).containsExactly(addr("::1"), addr("127.0.0.9"));
        assertThatThrownBy(() -> BenchOptions.sources("localhost")).hasMessageContaining("--source takes IP");
        assertThatThrownBy(() -> BenchOptions.sources("127.0.0.9-2")).hasMessageContaining("low-high");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"-s", "unix:/tmp/x", "--source", "127.0.0.2"}))
                .hasMessageContaining("--source is for TCP and UDP");
    }

    private static InetAddress addr(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
