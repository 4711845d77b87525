package io.jswoole.server.reactor;

import io.jswoole.log.Log;
import io.jswoole.server.Port;
import io.jswoole.server.config.PortConfig;
import io.jswoole.server.mode.ServerAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Swoole's heartbeat: {@code heartbeat_check_interval}, {@code heartbeat_idle_time} and {@code max_idle_time},
 * and the manual {@code heartbeat()} scan. Idle time is measured on the monotonic clock, so a wall-clock jump
 * closes nothing; a close is abortive (the peer is considered gone).
 */
public final class IdleScanner {
    private final List<Port> ports;
    private final ConnectionTable table;
    private ScheduledExecutorService timer;

    public IdleScanner(List<Port> ports, ConnectionTable table) {
        this.ports = ports;
        this.table = table;
    }

    /**
     * The idle scanner: every {@code heartbeat_check_interval} (or half the smallest idle limit when only
     * {@code heartbeat_idle_time} / {@code max_idle_time} is set), connections idle past their port's limit are
     * closed. Idle time is measured on the monotonic clock.
     */
    public void start(int interval) {
        long period = interval > 0 ? interval * 1_000_000_000L : Long.MAX_VALUE;
        for (Port port : ports) {
            PortConfig p = ServerAccess.config(port);
            if (p.idleNanos() > 0) {
                period = Math.min(period, p.idleNanos() / 2);
            }
            if (p.maxIdleNanos() > 0) {
                period = Math.min(period, p.maxIdleNanos() / 2);
            }
        }
        if (period == Long.MAX_VALUE) {
            return;
        }
        period = Math.max(period, 10_000_000L);
        timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("jswoole-heartbeat").unstarted(r));
        timer.scheduleAtFixedRate(() -> scan(true), period, period, TimeUnit.NANOSECONDS);
    }

    /** Closes (or, without {@code close}, lists) the connections idle past their port's limits. */
    List<Integer> scan(boolean close) {
        List<Integer> idle = new ArrayList<>();
        long now = System.nanoTime();
        for (Connection c : table.all()) {
            if (c.channel == null || c.closed || c.closedByServer) {
                continue;
            }
            PortConfig p = c.portConfig;
            boolean heartbeatIdle = p.idleNanos() > 0 && !c.protect && now - c.lastRecvNanos > p.idleNanos();
            boolean maxIdle = p.maxIdleNanos() > 0
                    && now - Math.max(c.lastRecvNanos, c.lastSendNanos) > p.maxIdleNanos();
            if (heartbeatIdle || maxIdle) {
                idle.add(c.fd);
                if (close) {
                    Log.info("fd " + c.fd + " from " + c.remoteIp + ":" + c.remotePort + ": idle for "
                            + (now - c.lastRecvNanos) / 1_000_000 + " ms ("
                            + (heartbeatIdle ? "heartbeat_idle_time" : "max_idle_time") + "); closing it");
                    c.abort();
                }
            }
        }
        return idle;
    }

    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
