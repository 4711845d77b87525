package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jswoole.server.Server;

/** A jswoole server started on a platform thread for one test; closing it shuts it down. */
final class Servers implements AutoCloseable {
    final Server server;
    private final Thread thread;

    private Servers(Server server) {
        this.server = server;
        this.thread = Thread.ofPlatform().name("bench-test-server").start(server::start);
    }

    static Servers start(Server server) throws InterruptedException {
        Servers s = new Servers(server);
        assertThat(server.awaitStarted(30, TimeUnit.SECONDS)).as("server started").isTrue();
        return s;
    }

    /** One worker: the tests are about the generator, and the machine has two cores. */
    static Map<String, Object> oneWorker(Map<String, Object> more) {
        var m = new java.util.LinkedHashMap<String, Object>(more);
        m.putIfAbsent("worker_num", 1);
        return m;
    }

    int port() {
        return server.port();
    }

    String tcp() {
        return "tcp://127.0.0.1:" + port();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        thread.join(10_000);
    }
}
