package io.jswoole.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace for one node of a partition test ({@code ip netns}, root): two veth pairs to the host, one the
 * test's clients reach the node through ({@link #nodeAddress()}), one the node reaches Redis through
 * ({@link #redisAddress()}). {@link #cut()} takes the host end of the Redis pair down: the node's packets to Redis
 * and Redis's to the node are dropped without a reset, as in a real partition, while its clients still reach it;
 * {@link #heal()} brings it back and TCP carries on. Why not {@code tc} or {@code nft}: this machine's kernel has no
 * qdisc modules and no nft; a link going down is a drop every Linux has.
 */
final class Netns implements AutoCloseable {
    private final String name;
    private final String clientVeth;
    private final String redisVeth;
    private final String net;

    private Netns(String name, String clientVeth, String redisVeth, String net) {
        this.name = name;
        this.clientVeth = clientVeth;
        this.redisVeth = redisVeth;
        this.net = net;
    }

    /** A new namespace with both pairs up; fails (never skips) where {@code ip netns} is not allowed. */
    static Netns create() throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid() % 100_000;
        int k = ThreadLocalRandom.current().nextInt(1, 250);
        Netns ns = new Netns("jswoole-" + pid + "-" + k, "jsc" + pid + "x" + k, "jsr" + pid + "x" + k,
                "10.251." + k + ".");
        try {
            ns.setUp();
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw new AssertionError("the partition test needs network namespaces (root, iproute2: ip netns,"
                    + " veth): " + e.getMessage(), e);
        }
        return ns;
    }

    private void setUp() throws IOException, InterruptedException {
        ip("netns", "add", name);
        pair(clientVeth, 0);
        pair(redisVeth, 4);
        ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
    }

    /** A veth pair: host end {@code net + (base+1)}, namespace end {@code net + (base+2)}, a /30. */
    private void pair(String host, int base) throws IOException, InterruptedException {
        String peer = host + "p";
        ip("link", "add", host, "type", "veth", "peer", "name", peer);
        ip("link", "set", peer, "netns", name);
        ip("addr", "add", net + (base + 1) + "/30", "dev", host);
        ip("link", "set", host, "up");
        ip("netns", "exec", name, "ip", "addr", "add", net + (base + 2) + "/30", "dev", peer);
        ip("netns", "exec", name, "ip", "link", "set", peer, "up");
    }

    /** The command prefix that runs a program in the namespace. */
    List<String> exec() {
        return List.of("ip", "netns", "exec", name);
    }

    /** Where the test's clients reach the node. */
    String nodeAddress() {
        return net + "2";
    }

    /** Where the node reaches Redis (Redis listens there too). */
    String redisAddress() {
        return net + "5";
    }

    /** The partition: packets between the node and Redis are dropped, both ways. */
    void cut() throws IOException, InterruptedException {
        ip("link", "set", redisVeth, "down");
    }

    /** The partition heals. */
    void heal() throws IOException, InterruptedException {
        ip("link", "set", redisVeth, "up");
    }

    @Override
    public void close() {
        try {
            run(List.of("ip", "netns", "del", name)); // takes the namespace ends, and so both pairs, with it
            run(List.of("ip", "link", "del", clientVeth));
            run(List.of("ip", "link", "del", redisVeth));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        String out = run(cmd);
        if (out != null) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }

    /** Runs {@code cmd}: null when it succeeded, else its output. */
    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out;
    }
}
