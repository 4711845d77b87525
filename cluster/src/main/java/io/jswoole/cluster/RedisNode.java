package io.jswoole.cluster;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.log.Log;
import io.jswoole.server.ClientInfo;
import io.jswoole.server.GlobalFd;
import io.jswoole.server.Server;
import io.jswoole.server.spi.ClusterSupport;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One JVM's part in the cluster, on Lettuce: a command connection for the {@link Registry}, one for PUBLISH, and a
 * pub/sub connection that reads this JVM's reply channel and, in the JVM that owns the connections (BASE, THREAD,
 * the PROCESS master), the node's inbox. Requests for this node's fds are run there, in arrival order, on one
 * thread; questions ({@code exists}, {@code getClientInfo}, {@code getClientList}) wait at most
 * {@link #ANSWER_TIMEOUT} and are not asked at all of a node whose heartbeat expired.
 * <p>Redis down at start is not fatal: the node says so once, serves its own connections, and retries every second;
 * after a later outage Lettuce reconnects (every second at most) and subscribes again by itself. While Redis is
 * away, or cut off, every call fails within {@link #COMMAND_TIMEOUT} (at once once the connection is known lost:
 * commands are rejected, not buffered), a call in flight when the connection drops fails rather than being sent
 * again (so an {@code incr} is never applied twice by a replay), and each connection holds at most
 * {@link #QUEUE_LIMIT} unanswered commands. The outage is logged once per JVM, and its end once. The uid bindings
 * and connection cleanups ({@code bind}, {@code forget}) that failed meanwhile are kept (at most
 * {@link Outage#MAX_PENDING}) and written when Redis answers again.
 */
final class RedisNode implements ClusterSupport.Node {
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(1);
    /** The longest a Redis call waits for its answer (a Redis that is cut off, not down). */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** Unanswered commands per connection: beyond, a call is refused at once instead of queued. */
    static final int QUEUE_LIMIT = 10_000;
    private static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final byte[] EMPTY = new byte[0];
    /**
     * Lettuce's reconnect lines (two per attempt, each second, per connection, on {@code java.util.logging}) are
     * turned down to errors: an outage is the node's one line ({@link Outage}). An application that set this
     * logger's level keeps its own; held, since {@code java.util.logging} keeps loggers weakly.
     */
    private static final java.util.logging.Logger LETTUCE_PROTOCOL = quiet("io.lettuce.core.protocol");
    /** Where the questions of one cluster-wide query run side by side. */
    private static final ExecutorService ASKERS = Executors.newVirtualThreadPerTaskExecutor();

    final Server server;
    final String nodeId;
    private final ClusterSupport.Config config;
    private final boolean owner;
    private final String replyChannel;
    private final String incarnation;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService timer;
    private final ExecutorService inbox;
    private final Inbox handler;
    private final String logChannel;
    private final NodeLog.Reader log;
    private final Map<Long, CompletableFuture<byte[]>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisConnection<String, byte[]> publisher;
    private volatile StatefulRedisPubSubConnection<String, byte[]> subscriber;
    private volatile Registry registry;
    private volatile boolean stopped;
    /** Whether Redis answers: the outage's one log line, the probe, the writes kept meanwhile. */
    private final Outage outage;

    RedisNode(Server server, ClusterSupport.Config config, boolean owner) {
        this.server = server;
        this.nodeId = config.nodeId();
        this.config = config;
        this.owner = owner;
        long pid = ProcessHandle.current().pid();
        this.replyChannel = Registry.PREFIX + "reply:" + nodeId + ":" + pid;
        this.incarnation = pid + "@" + System.currentTimeMillis();
        RedisURI uri = RedisURI.create(config.redisUrl());
        uri.setTimeout(COMMAND_TIMEOUT);
        resources = DefaultClientResources.builder().reconnectDelay(Delay.exponential(Duration.ofMillis(50),
                Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS)).build();
        client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .replayFilter(command -> true) // never resend after a reconnect: the caller saw it fail
                .requestQueueSize(QUEUE_LIMIT)
                .socketOptions(socketOptions()).build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                reconnected();
            }
        });
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("jswoole-cluster-" + nodeId).unstarted(r));
        inbox = owner ? Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon()
                .name("jswoole-cluster-inbox-" + nodeId).unstarted(r)) : null;
        handler = new Inbox(this);
        outage = new Outage(nodeId, config.redisUrl(), timer, () -> {
            var c = commands;
            if (c == null) {
                throw new IllegalStateException("not connected yet");
            }
            c.sync().ping();
        }, () -> registry);
        logChannel = NodeLog.channel(nodeId);
        log = new NodeLog.Reader(nodeId, this::deliverLogged);
        if (!connect()) {
            Log.error("cluster: cannot reach cluster_redis " + config.redisUrl() + " (" + lastFailure
                    + "); node " + nodeId + " serves its own connections and retries every second");
            timer.schedule(this::retry, 1, TimeUnit.SECONDS);
        }
    }

    private String lastFailure;

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        if (l.getLevel() == null) {
            l.setLevel(java.util.logging.Level.SEVERE);
        }
        return l;
    }

    /**
     * A cut-off Redis (no RST, packets dropped) is noticed by the kernel: TCP keep-alive probes on idle connections
     * and a user timeout on unacknowledged writes close the connection, after which calls fail at once and Lettuce
     * reconnects; without the native transport only the command timeout applies.
     */
    private static SocketOptions socketOptions() {
        SocketOptions.Builder b = SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).keepAlive(
                SocketOptions.KeepAliveOptions.builder().enable().idle(Duration.ofSeconds(3))
                        .interval(Duration.ofSeconds(1)).count(3).build());
        if (io.lettuce.core.resource.EpollProvider.isAvailable()) {
            b.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder().enable()
                    .tcpUserTimeout(Duration.ofSeconds(5)).build());
        }
        return b.build();
    }

    private void retry() {
        if (stopped) {
            return;
        }
        if (connect()) {
            Log.notice("cluster: cluster_redis " + config.redisUrl() + " is reachable; node " + nodeId + " joined");
            outage.flush();
        } else {
            timer.schedule(this::retry, 1, TimeUnit.SECONDS);
        }
    }

    /** Opens the three connections, subscribes, and (owner) clears what an earlier run of this node left. */
    private synchronized boolean connect() {
        StatefulRedisConnection<String, String> c = null;
        StatefulRedisConnection<String, byte[]> p = null;
        StatefulRedisPubSubConnection<String, byte[]> s = null;
        try {
            c = client.connect(StringCodec.UTF8);
            p = client.connect(BYTES);
            s = client.connectPubSub(BYTES);
            s.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    if (channel.equals(logChannel)) {
                        if (inbox != null && !stopped) {
                            inbox.execute(() -> readLog(message));
                        }
                    } else {
                        received(message);
                    }
                }
            });
            if (owner) {
                s.sync().subscribe(replyChannel, Registry.inbox(nodeId), logChannel);
            } else {
                s.sync().subscribe(replyChannel);
            }
            Registry r = new Registry(c.sync());
            if (owner) {
                int old = r.forgetNode(nodeId); // a node that comes back starts clean: its old fds are gone
                if (old > 0) {
                    Log.info("cluster: node " + nodeId + " rejoined; cleared " + old + " entries of its last run");
                }
                r.beat(nodeId, incarnation, ttlMillis());
                var logCommands = p.sync();
                inbox.submit(() -> log.start(logCommands)).get(5, TimeUnit.SECONDS);
            }
            commands = c;
            publisher = p;
            subscriber = s;
            registry = r;
            if (owner) {
                long every = Math.max(100, ttlMillis() / 3);
                timer.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
            }
            return true;
        } catch (RuntimeException | InterruptedException | java.util.concurrent.ExecutionException
                | TimeoutException e) {
            lastFailure = e.getMessage();
            for (AutoCloseable a : new AutoCloseable[] {s, p, c}) {
                try {
                    if (a != null) {
                        a.close();
                    }
                } catch (Exception ignored) {
                    // closing a half-open connection
                }
            }
            return false;
        }
    }

    private long ttlMillis() {
        return (long) (config.heartbeatTtlSeconds() * 1000);
    }

    /** A connection (re)connected: beat now rather than at the next period, and learn that Redis is back. */
    private void reconnected() {
        if (registry != null && !stopped) {
            try {
                if (owner) {
                    timer.execute(this::beat);
                } else {
                    outage.probeNow();
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
            }
        }
    }

    /**
     * Heartbeat, then cleans up after nodes whose heartbeat expired. A beat that finds this node reaped (the others
     * dropped it while it was cut off) gives its open connections back their rooms and uids.
     */
    private void beat() {
        if (stopped) {
            return;
        }
        try {
            if (registry.beat(nodeId, incarnation, ttlMillis())) {
                int n = registry.restore(nodeId, Inbox.localFds(server));
                Log.notice("cluster: node " + nodeId + " is listed again (the others dropped it while it could not"
                        + " beat); restored the rooms and uids of " + n + " connections");
            }
            registry.reap(nodeId);
            var p = publisher;
            inbox.execute(() -> {
                try {
                    log.catchUp(p.sync(), null); // what a dropped subscription missed, when nothing new came
                } catch (RuntimeException e) {
                    redisDown(e);
                }
            });
            redisUp();
        } catch (RuntimeException e) {
            redisDown(e);
        }
    }

    void redisUp() {
        outage.up();
    }

    void redisDown(RuntimeException e) {
        outage.down(e);
    }

    /** Whether this JVM's last Redis call failed. */
    boolean isDown() {
        return outage.isDown();
    }

    /** A registry write that failed because Redis is away: written when it answers again ({@link Outage#later}). */
    void later(Consumer<Registry> write) {
        outage.later(write);
    }

    /** Registry writes kept for when Redis answers again. */
    int pendingWrites() {
        return outage.pending();
    }

    /** A connection of its own (for blocking reads: {@link TaskConsumer}); the caller closes it. */
    StatefulRedisConnection<String, String> connectOwn() {
        return client.connect(StringCodec.UTF8);
    }

    /** This JVM's reply channel, where {@link #expect} futures are completed. */
    String replyChannel() {
        return replyChannel;
    }

    /** A new id whose REPLY on {@link #replyChannel()} completes {@code answer}; {@link #unexpect} it after. */
    long expect(CompletableFuture<byte[]> answer) {
        long id = ids.incrementAndGet();
        waiting.put(id, answer);
        return id;
    }

    void unexpect(long id) {
        waiting.remove(id);
    }

    /** Publishes a REPLY of {@code id} to another JVM's reply channel (a cluster task's result). */
    void replyTo(String channel, long id, byte[] payload) {
        var p = publisher;
        if (p != null && !channel.isEmpty()) {
            p.async().publish(channel, new Wire(Wire.REPLY, id, "", new int[0], 0, 0, payload).encode());
        }
    }

    /** The command connection (String codec), or null while Redis has not been reached yet. */
    StatefulRedisConnection<String, String> commands() {
        return commands;
    }

    /** The registry, or null (with LastError) while Redis has not been reached yet. */
    Registry registry() {
        Registry r = registry;
        if (r == null) {
            LastError.set(ErrorCode.SESSION_NOT_EXIST);
        }
        return r;
    }

    private void received(byte[] message) {
        Wire w;
        try {
            w = Wire.decode(message);
        } catch (java.io.IOException | RuntimeException e) {
            Log.warning("cluster: node " + nodeId + " dropped a malformed message of " + message.length + " bytes");
            return;
        }
        if (w.op() == Wire.REPLY) {
            CompletableFuture<byte[]> f = waiting.remove(w.id());
            if (f != null) {
                f.complete(w.payload());
            }
        } else if (inbox != null && !stopped) {
            inbox.execute(() -> handler.handle(w));
        }
    }

    private void readLog(byte[] message) {
        var p = publisher;
        try {
            log.received(p.sync(), message);
        } catch (RuntimeException e) {
            redisDown(e);
        }
    }

    /** An entry of this node's stream, in order, once: run it. */
    private void deliverLogged(byte[] wire) {
        try {
            handler.handle(Wire.decode(wire));
        } catch (java.io.IOException | RuntimeException e) {
            Log.warning("cluster: node " + nodeId + " dropped a malformed message of " + wire.length + " bytes");
        }
    }

    /** Answers a question {@link Inbox} was asked. */
    void reply(Wire question, byte[] payload) {
        var p = publisher;
        if (p != null && !question.replyTo().isEmpty()) {
            p.async().publish(question.replyTo(), new Wire(Wire.REPLY, question.id(), "", new int[0], 0, 0,
                    payload).encode());
        }
    }

    boolean tell(String node, byte op, int[] fds, int opcode, int flags, byte[] payload) {
        return tell(node, op, fds, opcode, flags, payload, null);
    }

    /**
     * Appends to {@code node}'s stream and publishes ({@link NodeLog}): true when its owner JVM got it, or will
     * when it catches up (it is alive but resubscribing); true also when {@code onceKey} was sent already.
     */
    boolean tell(String node, byte op, int[] fds, int opcode, int flags, byte[] payload, String onceKey) {
        return tell(node, new Wire(op, 0, "", fds, opcode, flags, payload), onceKey);
    }

    /** {@link #tell} of a whole message (one whose replyTo carries a room, {@link RoomHistory}). */
    boolean tell(String node, Wire wire, String onceKey) {
        var p = publisher;
        Registry r = registry;
        if (p == null || r == null) {
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        try {
            long n = NodeLog.append(p.sync(), node, wire.encode(), onceKey);
            redisUp();
            return n != -2 || LastError.fail(ErrorCode.SESSION_NOT_EXIST); // alive: now, or when it catches up
        } catch (RuntimeException e) {
            redisDown(e);
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
    }

    /** Asks {@code node}; null when it is dead, not subscribed, or silent for {@link #ANSWER_TIMEOUT}. */
    byte[] ask(String node, byte op, int fd) {
        var p = publisher;
        Registry r = registry;
        if (p == null || r == null) {
            return null;
        }
        long id = ids.incrementAndGet();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        try {
            if (!r.alive(node) || p.sync().publish(Registry.inbox(node), new Wire(op, id, replyChannel,
                    new int[] {fd}, 0, 0, EMPTY).encode()) == 0) {
                return null;
            }
            redisUp();
            return answer.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Log.warning("cluster: node " + node + " did not answer within " + ANSWER_TIMEOUT.toMillis() + " ms");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return null;
        } catch (RuntimeException e) {
            redisDown(e);
            return null;
        } finally {
            waiting.remove(id);
        }
    }

    /** Asks every node in {@code nodes} at once and waits for all (at most {@link #ANSWER_TIMEOUT}). */
    List<byte[]> askAll(List<String> nodes, byte op) {
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (String node : nodes) {
            answers.add(CompletableFuture.supplyAsync(() -> ask(node, op, 0), ASKERS));
        }
        List<byte[]> out = new ArrayList<>();
        for (CompletableFuture<byte[]> a : answers) {
            out.add(a.join());
        }
        return out;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean send(GlobalFd to, byte[] data) {
        return tell(to.node(), Wire.SEND, new int[] {to.fd()}, 0, 0, data);
    }

    @Override
    public boolean push(GlobalFd to, byte[] data, int opcode, int flags) {
        return tell(to.node(), Wire.PUSH, new int[] {to.fd()}, opcode, flags, data);
    }

    @Override
    public boolean close(GlobalFd to, boolean reset) {
        return tell(to.node(), reset ? Wire.RESET : Wire.CLOSE, new int[] {to.fd()}, 0, 0, EMPTY);
    }

    @Override
    public boolean exists(GlobalFd fd) {
        byte[] a = ask(fd.node(), Wire.EXISTS, fd.fd());
        return a != null && a.length == 1 && a[0] == 1 || LastError.fail(ErrorCode.SESSION_NOT_EXIST);
    }

    @Override
    public Optional<ClientInfo> info(GlobalFd fd) {
        byte[] a = ask(fd.node(), Wire.INFO, fd.fd());
        if (a == null || a.length == 0) {
            LastError.set(ErrorCode.SESSION_NOT_EXIST);
            return Optional.empty();
        }
        try {
            return Optional.of(ClientInfo.fromMap(Wire.map(a)));
        } catch (java.io.IOException | RuntimeException e) {
            Log.warning("cluster: node " + fd.node() + " sent a malformed getClientInfo answer");
            return Optional.empty();
        }
    }

    /** The uid is bound locally already; cluster-wide now, or when Redis answers again ({@link #later}). */
    @Override
    public void bound(int fd, long uid) {
        GlobalFd g = new GlobalFd(nodeId, fd);
        Registry r = registry;
        if (r == null) {
            later(x -> x.bind(g, uid));
            return;
        }
        try {
            r.bind(g, uid);
            redisUp();
        } catch (RuntimeException e) {
            redisDown(e);
            later(x -> x.bind(g, uid));
        }
    }

    @Override
    public void stop() {
        stopped = true;
        timer.shutdownNow();
        if (inbox != null) {
            inbox.shutdown();
        }
        Registry r = registry;
        if (owner && r != null) {
            try {
                r.forgetNode(nodeId);
                commands.sync().del(Registry.heartbeatKey(nodeId));
            } catch (RuntimeException e) {
                Log.warning("cluster: node " + nodeId + " left without clearing its entries: " + e.getMessage());
            }
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            Log.warning("cluster: node " + nodeId + " stopped with Lettuce's threads still running: " + e);
        }
    }
}
