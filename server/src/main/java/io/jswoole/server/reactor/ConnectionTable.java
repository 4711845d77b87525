package io.jswoole.server.reactor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session table: hands out fds and finds connections by fd.
 * <p>Fds count up from {@code start_session_id} (default 1), skip fds still in use, and wrap from 2^24-1 back to
 * 1, so an fd is unique among live connections and is reused only after its connection is gone (as Swoole's
 * session ids). The table holds at most {@code max_conn} connections.
 */
public final class ConnectionTable {
    private final Map<Integer, Connection> byFd = new ConcurrentHashMap<>();
    private final int maxConn;
    private final int maxFd;
    private int next;
    private long round;

    public ConnectionTable(int startSessionId, int maxConn) {
        this(startSessionId, maxConn, Connection.MAX_FD);
    }

    /** With fds wrapping after {@code maxFd} (tests use a small one to see the wrap). */
    public ConnectionTable(int startSessionId, int maxConn, int maxFd) {
        this.next = startSessionId;
        this.maxConn = Math.min(maxConn, maxFd - 1);
        this.maxFd = maxFd;
    }

    /** The next free fd, or -1 when {@code max_conn} connections are live. */
    public synchronized int allocate() {
        if (byFd.size() >= maxConn) {
            return -1;
        }
        while (true) {
            int fd = next;
            next = fd >= maxFd ? 1 : fd + 1;
            round++;
            if (!byFd.containsKey(fd)) {
                byFd.put(fd, Reserved.INSTANCE.placeholder);
                return fd;
            }
        }
    }

    /** Puts the connection in the slot {@link #allocate} reserved. */
    void put(Connection c) {
        byFd.put(c.fd, c);
    }

    /** Frees {@code fd} for reuse. */
    public void free(int fd) {
        byFd.remove(fd);
    }

    /** The connection of {@code fd}, or null (also while the slot is only reserved). */
    public Connection get(int fd) {
        Connection c = byFd.get(fd);
        return c == Reserved.INSTANCE.placeholder ? null : c;
    }

    public int size() {
        return byFd.size();
    }

    /** How many fds have been handed out so far ({@code session_round}). */
    public synchronized long round() {
        return round;
    }

    Set<Integer> fds() {
        return Collections.unmodifiableSet(byFd.keySet());
    }

    public Iterable<Connection> all() {
        return byFd.values();
    }

    /** Up to {@code count} live fds greater than {@code startFd}, ascending ({@code getClientList}). */
    public List<Integer> list(int startFd, int count) {
        List<Integer> out = new ArrayList<>();
        for (Map.Entry<Integer, Connection> e : byFd.entrySet()) {
            if (e.getKey() > startFd && e.getValue() != Reserved.INSTANCE.placeholder && !e.getValue().closed) {
                out.add(e.getKey());
            }
        }
        out.sort(null);
        return out.size() > count ? new ArrayList<>(out.subList(0, count)) : out;
    }

    /** A reserved slot: counted and skipped by allocation, invisible to lookups. */
    private enum Reserved {
        INSTANCE;
        final Connection placeholder = new Connection(0, -1, null, null, "", 0);
    }
}
