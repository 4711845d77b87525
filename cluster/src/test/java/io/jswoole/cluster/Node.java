package io.jswoole.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NodeApp} in its own JVM, as a user runs a node: started with the project's JVM flags on the test class
 * path, READY once its port listens; {@link #kill9} is a crash, {@link #close} a SIGTERM (graceful stop).
 */
final class Node implements AutoCloseable {
    final String id;
    final int port;
    private final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();

    private Node(String id, int port, Process process) {
        this.id = id;
        this.port = port;
        this.process = process;
    }

    static Node start(String mode, String id, String redisUrl, double ttl) throws Exception {
        return start(List.of(), mode, id, redisUrl, ttl);
    }

    /** {@code prefix}: a command the JVM runs under, such as {@code taskset -c 0} for a benchmark. */
    static Node start(List<String> prefix, String mode, String id, String redisUrl, double ttl) throws Exception {
        return start(prefix, java.util.Map.of(), mode, id, redisUrl, ttl);
    }

    /** With cluster task consumers in the node's task workers ({@code JSWOOLE_TEST_TASKS}, NodeApp). */
    static Node withTasks(String mode, String id, String redisUrl) throws Exception {
        return start(List.of(), java.util.Map.of("JSWOOLE_TEST_TASKS", "1"), mode, id, redisUrl, 5);
    }

    static Node start(List<String> prefix, java.util.Map<String, String> env, String mode, String id, String redisUrl,
                      double ttl) throws Exception {
        int port = RedisServer.freePort();
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Xmx" + System.getProperty("jswoole.test.xmx", "256m"), // FanoutBench: more for 10,000 connections
                "-cp", cp, NodeApp.class.getName(), mode, Integer.toString(port), id, redisUrl,
                Double.toString(ttl)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        Node node = new Node(id, port, p);
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("node-" + id + "-out").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    node.output.add(line);
                    if (line.startsWith("READY")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the node exited
            }
            ready.complete(false);
        });
        if (!ready.get(60, TimeUnit.SECONDS)) {
            throw new AssertionError("node " + id + " exited before it was ready: " + String.join("\n", node.output));
        }
        return node;
    }

    long pid() {
        return process.pid();
    }

    boolean logged(String text) {
        return output.stream().anyMatch(l -> l.contains(text));
    }

    /** A crash: SIGKILL to the node (and, in PROCESS mode, its worker JVMs, which then exit with their master). */
    void kill9() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
