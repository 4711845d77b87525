package io.jswoole.server.os;

import io.jswoole.log.Log;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * systemd's notify protocol ({@code sd_notify(3)}), when {@code NOTIFY_SOCKET} names a Unix datagram socket (a unit
 * with {@code Type=notify}): {@code READY=1} once every port listens and every worker is up, {@code RELOADING=1} with
 * {@code MONOTONIC_USEC=} and then {@code READY=1} around a reload, {@code STOPPING=1} when the graceful stop begins,
 * {@code STATUS=} with live counts, and {@code WATCHDOG=1} every {@code WATCHDOG_USEC}/2 while every worker answers
 * ({@link Source#workersAnswer}): a stuck worker stops the pings and systemd restarts the service.
 * <p>The JDK has no Unix datagram sockets, so this sends through Netty's {@link EpollDomainDatagramChannel}, on one
 * event loop of its own that also runs the periodic STATUS and WATCHDOG: every message leaves from that thread, in the
 * order the server's life produced them. Without epoll (not Linux) the variable is ignored with a warning.
 */
public final class SystemdNotify {
    /** STATUS= is refreshed this often when systemd runs no watchdog. */
    private static final long STATUS_PERIOD_MICROS = 2_000_000;
    private static final long READY_POLL_MILLIS = 20;

    /** What the notifications say: the server's state, as its operations side sees it. */
    public interface Source {
        /** Ready to serve (systemd's READY=1). */
        boolean ready();

        /** One line for STATUS=. */
        String status();

        /** Every worker answered since the last check (a watchdog ping is owed). */
        boolean workersAnswer();
    }

    private final Source ops;
    private final DomainSocketAddress target;
    private final long watchdogMicros;
    private final EventLoopGroup loop;
    private final Channel channel;
    private ScheduledFuture<?> ticks;
    /** READY=1 is owed once the server is ready (after start or a reload); only touched on the loop. */
    private boolean readyOwed;
    private boolean stopped;

    private SystemdNotify(Source ops, String socket, long watchdogMicros) {
        this.ops = ops;
        // an abstract socket (@name) is a name that starts with NUL
        this.target = new DomainSocketAddress(socket.startsWith("@") ? "\0" + socket.substring(1) : socket);
        this.watchdogMicros = watchdogMicros;
        this.loop = new MultiThreadIoEventLoopGroup(1, Thread.ofPlatform().daemon().name("jswoole-systemd")
                .factory(), EpollIoHandler.newFactory());
        // connected to the target: Netty writes only on an active (bound or connected) datagram channel
        var connected = new Bootstrap().group(loop).channel(EpollDomainDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(target).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            Log.warning("cannot reach systemd's NOTIFY_SOCKET " + socket + ": " + connected.cause());
        }
        this.channel = connected.isSuccess() ? connected.channel() : null;
    }

    /** The notifier {@code NOTIFY_SOCKET} asks for, or null when it is unset (or cannot be used here). */
    public static SystemdNotify fromEnvironment(Source ops) {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return null;
        }
        if (!Epoll.isAvailable()) {
            Log.warning("NOTIFY_SOCKET is set but native epoll is not available: no systemd notifications");
            return null;
        }
        return new SystemdNotify(ops, socket, watchdogMicros());
    }

    /** WATCHDOG_USEC when it is meant for this process (WATCHDOG_PID unset or ours), else 0. */
    private static long watchdogMicros() {
        String usec = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(usec.trim()));
        } catch (NumberFormatException e) {
            Log.warning("WATCHDOG_USEC is not a number: " + usec);
            return 0;
        }
    }

    public void serving() {
        loop.execute(() -> {
            readyOwed = true;
            pollReady();
            long period = watchdogMicros > 0 ? watchdogMicros / 2 : STATUS_PERIOD_MICROS;
            ticks = loop.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MICROSECONDS);
        });
    }

    public void reloading() {
        loop.execute(() -> {
            readyOwed = false;
            send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=reloading the workers");
        });
    }

    public void reloaded() {
        loop.execute(() -> {
            readyOwed = true;
            pollReady();
        });
    }

    public void stopping() {
        loop.execute(() -> {
            stopped = true;
            if (ticks != null) {
                ticks.cancel(false);
            }
            send("STOPPING=1\nSTATUS=" + ops.status());
        });
    }

    public void close() {
        if (channel != null) {
            loop.execute(channel::close);
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** Sends READY=1 as soon as the server is ready (checked every few milliseconds until then). */
    private void pollReady() {
        if (!readyOwed || stopped) {
            return;
        }
        if (ops.ready()) {
            readyOwed = false;
            send("READY=1\nSTATUS=" + ops.status());
        } else {
            loop.schedule(this::pollReady, READY_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        if (stopped) {
            return;
        }
        boolean pet = watchdogMicros > 0 && ops.workersAnswer();
        send("STATUS=" + ops.status() + (pet ? "\nWATCHDOG=1" : ""));
    }

    private void send(String message) {
        if (channel == null) {
            return;
        }
        channel.writeAndFlush(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8)).addListener(f -> {
            if (!f.isSuccess()) {
                Log.warning("cannot notify systemd at " + target.path() + ": " + f.cause());
            }
        });
    }
}
