package io.jswoole.process;

import io.jswoole.log.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code Pool::listen} with {@link Pool#IPC_SOCKET}, in the pool's JVM: outside clients feed the workers, one
 * message per connection, as Swoole's pool serves them (FPM-like). A client sends a 4-byte big-endian length and
 * the message; a worker gets it in {@code onMessage}, answers with {@link Pool#write} (each answer goes out with
 * the same 4-byte length before it), and the connection closes when {@code onMessage} returns.
 * <p>Bounds: a message longer than {@code max_package_size} closes the connection (one log line, nothing
 * allocated); a client gets {@link #READ_SECONDS} to send its message; at most {@link #MAX_CONNECTIONS} are open
 * at once, those still sending included (more are closed at accept). A worker that dies with a connection closes it.
 */
final class PoolListener {
    static final int MAX_CONNECTIONS = 4096;
    static final int READ_SECONDS = 30;

    /** A client connection and the worker that has its message. */
    private record Client(SocketChannel channel, int worker) {
    }

    /** Connections open now, from accept to close (those still sending their message included). */
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    /** The connections {@link #open} counts (removed once, when closed). */
    private final java.util.Set<SocketChannel> counted = ConcurrentHashMap.newKeySet();

    private final ServerSocketChannel server;
    private final int maxPackage;
    private final Map<Long, Client> clients = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("jswoole-pool-listen-timeout").factory());
    private final Dispatch dispatch;

    interface Dispatch {
        /** The worker to take the next message (round robin over those running), or -1 when none is. */
        int pick();

        /** Hands {@code data} of connection {@code id} to {@code worker}; false when it is gone. */
        boolean send(int worker, long id, byte[] data);
    }

    PoolListener(String host, int port, int backlog, int maxPackage, Dispatch dispatch) throws IOException {
        this.server = ServerSocketChannel.open();
        this.server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        this.server.bind(new InetSocketAddress(host, port), backlog);
        this.maxPackage = maxPackage;
        this.dispatch = dispatch;
    }

    int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    /** Accepts until {@link #close}, each client read on a virtual thread of the JDK's scheduler. */
    void start() {
        Thread.ofPlatform().daemon().name("jswoole-pool-listen").start(() -> {
            while (server.isOpen()) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    break;
                }
                if (open.incrementAndGet() > MAX_CONNECTIONS) {
                    open.decrementAndGet();
                    Log.warning("pool listen: " + MAX_CONNECTIONS + " connections are open already; one closed");
                    quietClose(ch);
                    continue;
                }
                Thread.ofVirtual().name("jswoole-pool-client").start(() -> serve(ch));
            }
        });
    }

    /** Closes a client connection, counting it once however many paths close it. */
    private void closeClient(SocketChannel ch) {
        if (ch.isOpen()) {
            quietClose(ch);
        }
        if (counted.remove(ch)) {
            open.decrementAndGet();
        }
    }

    private void serve(SocketChannel ch) {
        counted.add(ch);
        var limit = timeouts.schedule(() -> closeClient(ch), READ_SECONDS, TimeUnit.SECONDS);
        try {
            ByteBuffer head = ByteBuffer.allocate(4);
            if (!readFully(ch, head)) {
                closeClient(ch);
                return;
            }
            int len = head.getInt(0);
            if (len < 0 || len > maxPackage) {
                Log.notice("pool listen: a message of " + Integer.toUnsignedString(len) + " bytes from "
                        + ch.getRemoteAddress() + " is over max_package_size (" + maxPackage + "): closed");
                closeClient(ch);
                return;
            }
            ByteBuffer body = ByteBuffer.allocate(len);
            if (!readFully(ch, body)) {
                closeClient(ch);
                return;
            }
            limit.cancel(false);
            int worker = dispatch.pick();
            if (worker < 0) {
                closeClient(ch); // no worker running (all restarting): the client may retry
                return;
            }
            long id = ids.incrementAndGet();
            clients.put(id, new Client(ch, worker));
            if (!dispatch.send(worker, id, body.array())) {
                done(id);
            }
        } catch (IOException e) {
            closeClient(ch);
        } finally {
            limit.cancel(false);
        }
    }

    /** {@code Pool::write} from the worker handling connection {@code id}: the answer, length first. */
    void write(long id, byte[] data) {
        Client c = clients.get(id);
        if (c == null) {
            return;
        }
        try {
            ByteBuffer[] out = {ByteBuffer.allocate(4).putInt(0, data.length), ByteBuffer.wrap(data)};
            synchronized (c) {
                while (out[0].hasRemaining() || out[1].hasRemaining()) {
                    c.channel().write(out);
                }
            }
        } catch (IOException e) {
            done(id);
        }
    }

    /** The worker's {@code onMessage} for connection {@code id} has returned: the connection closes. */
    void done(long id) {
        Client c = clients.remove(id);
        if (c != null) {
            closeClient(c.channel());
        }
    }

    /** Worker {@code worker} died: the connections it had close (their clients get no answer). */
    void workerGone(int worker) {
        clients.forEach((id, c) -> {
            if (c.worker() == worker) {
                done(id);
            }
        });
    }

    /** Stopping: no new connections (those being served keep their workers' answers). */
    void stopAccepting() {
        quietClose(server);
    }

    void close() {
        quietClose(server);
        clients.keySet().forEach(this::done);
        timeouts.shutdownNow();
    }

    private static boolean readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                return false;
            }
        }
        return true;
    }

    private static void quietClose(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closed already
        }
    }
}
