package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jswoole.examples.ExampleOptions;
import io.jswoole.examples.RedisKv;
import io.jswoole.server.Mode;
import org.junit.jupiter.api.Test;

/** The redis unit against jswoole's Redis server and against Debian's redis-server. */
class RedisUnitTest {

    @Test
    void jswoolesRedisServerPipelined() throws Exception {
        try (Servers s = Servers.start(RedisKv.create(new ExampleOptions("127.0.0.1", 0, Mode.BASE,
                Servers.oneWorker(Map.of()))))) {
            Load.allGood(Load.run("-f", "redis", "-s", s.tcp(), "--command", "SET key:__rand_int__ __data__", "-r",
                    "100", "-c", "4", "-n", "400", "-P", "16", "--verify"), 400);
            Load.allGood(Load.run("-f", "redis", "-s", s.tcp(), "--command", "GET key:__rand_int__", "-r", "100", "-c",
                    "2", "-n", "200", "-P", "16", "--verify"), 200);
            Result unknown = Load.run("-f", "redis", "-s", s.tcp(), "--command", "NOSUCH x", "-c", "1", "-n", "10");
            assertThat(unknown.total().errors).containsExactly(Map.entry("redis error ERR", 10L));
        }
    }

    @Test
    void debiansRedisServer() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server is not installed");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Process redis = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitListening(port);
            String target = "tcp://127.0.0.1:" + port;
            Load.allGood(Load.run("-f", "redis", "-s", target, "--command", "INCR counter", "-c", "4", "-n", "4000",
                    "-P", "16", "--verify"), 4000);
            Load.allGood(Load.run("-f", "redis", "-s", target, "--command", "ECHO 'hello world'", "-c", "2", "-n",
                    "1000", "-P", "8", "--verify"), 1000);
            Result wrongType = Load.run("-f", "redis", "-s", target, "--command", "LPUSH counter x", "-c", "1", "-n",
                    "5");
            assertThat(wrongType.total().errors).containsExactly(Map.entry("redis error WRONGTYPE", 5L));
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitListening(int port) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("redis-server did not listen on " + port);
    }
}
