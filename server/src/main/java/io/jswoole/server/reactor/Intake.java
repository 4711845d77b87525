package io.jswoole.server.reactor;

import io.jswoole.SwooleException;
import io.jswoole.log.Log;
import io.jswoole.server.Callbacks;
import io.jswoole.server.DispatchFunction;
import io.jswoole.server.PacketInfo;
import io.jswoole.server.Port;
import io.jswoole.server.dispatch.Dispatcher;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.worker.EventGate;
import io.jswoole.server.worker.EventRunner;
import io.jswoole.server.worker.EventSite;
import io.jswoole.server.worker.Worker;
import io.jswoole.server.worker.WorkerEvent;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The reactor side of this JVM (BASE, THREAD, the PROCESS master): turns what the event loops see on the sockets
 * (an accept, bytes, a decoded message, a full or drained output, a half-close, a close, a datagram) into events
 * for the worker that {@link Dispatcher} picks, and keeps the connection table's order of events (Swoole's
 * {@code reactor_thread.cc}). Runs on the event loops only, apart from {@link #handle}, which runs in a worker.
 * <p>In the PROCESS master the workers are worker JVMs ({@link Worker.Jvm}), which keep the event gates of their
 * connections themselves.
 */
public final class Intake {
    private final ConnectionTable table;
    /** The workers, in id order; filled by the caller after construction (a local worker runs {@link #handle}). */
    private final Worker[] workers;
    private final Dispatcher dispatcher;
    private final Map<EventLoop, Integer> loopIds;
    private final boolean deliverConnectClose;
    private final int maxConn;
    /** Set when the graceful stop closes the listeners (after any drain_delay): later connections are refused. */
    private volatile boolean refusing;
    private final ServerCounters counters;
    private final EventRunner events;

    public Intake(ConnectionTable table, Worker[] workers, Dispatcher dispatcher, Map<EventLoop, Integer> loopIds,
            boolean deliverConnectClose, int maxConn, ServerCounters counters,
            EventRunner events) {
        this.table = table;
        this.workers = workers;
        this.dispatcher = dispatcher;
        this.loopIds = loopIds;
        this.deliverConnectClose = deliverConnectClose;
        this.maxConn = maxConn;
        this.counters = counters;
        this.events = events;
    }

    /** From now on, accepted connections are refused (the graceful stop is closing the listeners). */
    public void refuseConnections() {
        refusing = true;
    }

    /** A stream connection was accepted on {@code ch}; returns its Connection, or null to refuse it. */
    Connection accepted(Port port, Channel ch) {
        counters.acceptCount.increment();
        if (refusing) {
            return null;
        }
        int fd = table.allocate();
        if (fd < 0) {
            counters.abortCount.increment();
            Log.warning("max_conn (" + maxConn + ") reached: refusing the connection from "
                    + ch.remoteAddress());
            return null;
        }
        String ip = "";
        int rport = 0;
        if (ch.remoteAddress() instanceof InetSocketAddress a) {
            ip = a.getAddress().getHostAddress();
            rport = a.getPort();
        }
        Connection c = new Connection(fd, loopIds.getOrDefault(ch.eventLoop(), 0), port, ch, ip, rport);
        table.put(c);
        boolean connectEvent = deliverConnectClose && port.connectCallback() != null;
        if (!connectEvent) {
            c.gate.markConnected();
            return c;
        }
        int w = dispatcher.forEvent(c, DispatchFunction.TYPE_CONNECT, new byte[0]);
        if (w < 0) {
            c.gate.markConnected();
            if (w == Dispatcher.CLOSE) {
                c.close(false);
            }
            return c;
        }
        c.workerId = w;
        if (workers[w] instanceof Worker.Jvm) {
            c.gate.markConnected(); // a worker JVM keeps its own gate
        }
        if (!deliver(c, w, new WorkerEvent.Connect(port.index(), fd, c.reactorId))) {
            c.gate.markConnected();
        }
        return c;
    }

    /** Bytes arrived on {@code c}. */
    void received(Connection c, byte[] data) {
        c.receivedNow();
        counters.totalRecvBytes.add(data.length);
        dispatchData(c, data, new WorkerEvent.Receive(c.port.index(), c.fd, c.reactorId, data));
    }

    /**
     * A port protocol decoded {@code msg} on {@code c} (ownership passes); the caller stamped the receive time
     * ({@link Connection#receivedNow}) once for the read that brought it.
     */
    void receivedMessage(Connection c, Object msg) {
        if (!dispatchData(c, new byte[0], new WorkerEvent.Message(c.port.index(), c.fd, c.reactorId, msg, c.gate))) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Hands a data event of {@code c} to the worker that dispatch picks ({@code data} is what dispatch_func sees);
     * false when no worker took it (dispatch refused it, or the worker did).
     */
    private boolean dispatchData(Connection c, byte[] data, WorkerEvent event) {
        counters.requestCount.increment();
        int w = dispatcher.forEvent(c, DispatchFunction.TYPE_DATA, data);
        if (w < 0) {
            if (w == Dispatcher.CLOSE) {
                c.close(false);
            }
            return false;
        }
        c.lastDispatchMillis = c.lastRecvMillis;
        boolean local = workers[w] instanceof Worker.Local; // a worker JVM keeps its own gate
        if (local) {
            c.gate.receiveQueued();
        }
        if (!deliver(c, w, event)) {
            if (local) {
                c.gate.exitReceive();
            }
            return false;
        }
        return true;
    }

    /**
     * Queued output of {@code c} reached {@code buffer_high_watermark}: stop reading it (a peer that does not read
     * cannot make the server buffer more of its requests) and fire {@code bufferFull}.
     */
    void outputFull(Connection c) {
        c.pauseReading(Connection.PAUSE_OUTPUT, true);
        bufferEvent(c, true);
    }

    /** Queued output of {@code c} may have fallen to {@code buffer_low_watermark}: the reverse of outputFull. */
    void outputDrained(Connection c) {
        c.signalWritable();
        if (c.outputFull && c.queuedBytes() <= c.portConfig.lowWatermark()) {
            c.outputFull = false;
            c.pauseReading(Connection.PAUSE_OUTPUT, false);
            bufferEvent(c, false);
        }
    }

    private void bufferEvent(Connection c, boolean full) {
        Callbacks.OnBuffer cb = full ? c.port.bufferFullCallback() : c.port.bufferEmptyCallback();
        if (cb != null) {
            deliver(c, dispatcher.forBuffer(c), new WorkerEvent.Buffer(c.port.index(), c.fd, full));
        }
    }

    /** The socket of {@code c} is gone (either side closed it). */
    void closed(Connection c) {
        c.closed = true;
        c.discardOutput();
        counters.closeCount.increment();
        boolean closeEvent = deliverConnectClose && c.port.closeCallback() != null;
        if (!closeEvent && c.gate.idle()) {
            table.free(c.fd);
            return;
        }
        int w = dispatcher.forClose(c, closeEvent);
        int rid = c.closedByServer ? -1 : c.reactorId;
        if (!deliver(c, w, new WorkerEvent.Close(c.port.index(), c.fd, rid))) {
            table.free(c.fd);
        }
    }

    /**
     * The peer half-closed {@code c}: once the receive callbacks of what it sent have finished (and their replies
     * are queued), the connection closes. The close callback sees the peer's close (reactorId >= 0).
     */
    void inputShutdown(Connection c) {
        if (workers[0] instanceof Worker.Jvm) {
            // the receives may still be in worker JVMs: close once each worker that may hold some has answered
            List<Worker> targets = dispatcher.sticky() ? List.of(workers[dispatcher.forClose(c, true)])
                    : List.of(workers);
            c.expectHalfCloseAcks(targets.size());
            for (Worker w : targets) {
                ((Worker.Jvm) w).remote.halfClose(c.fd, c.session);
            }
            return;
        }
        if (c.gate.idle()) {
            c.closeAfterOutput(false);
            return;
        }
        Worker.Local w = (Worker.Local) workers[dispatcher.home(c)];
        w.scheduler.go(() -> {
            c.gate.awaitIdle();
            c.closeAfterOutput(false);
        });
    }

    /** A datagram arrived on a packet port. */
    void packet(Port port, Channel ch, byte[] data, String address, int remotePort) {
        counters.totalRecvBytes.add(data.length);
        counters.requestCount.increment();
        int w;
        try {
            w = dispatcher.forPacket(address, remotePort, loopIds.getOrDefault(ch.eventLoop(), 0), data);
        } catch (RuntimeException e) { // dispatch_func failed or answered nonsense
            counters.abortCount.increment();
            Log.warning("packet from " + address + " dropped: " + e.getMessage());
            return;
        }
        if (w == Dispatcher.DISCARD) {
            return;
        }
        PacketInfo info = new PacketInfo(address, remotePort, port.index(), port.port(),
                System.currentTimeMillis() / 1000.0);
        try {
            workers[w].deliver(new WorkerEvent.Packet(port.index(), data, info));
        } catch (SwooleException e) {
            counters.abortCount.increment();
            Log.warning("packet from " + address + " dropped: " + e.getMessage());
        }
    }

    /** Hands an event to worker {@code w}; false (and the connection closed) when the worker refuses it. */
    private boolean deliver(Connection c, int w, WorkerEvent e) {
        try {
            workers[w].deliver(e);
            return true;
        } catch (SwooleException ex) {
            counters.abortCount.increment();
            if (c.close(false)) { // one line per connection, not one per event refused after it
                Log.warning("fd " + c.fd + ": " + ex.getMessage() + "; closing the connection");
            }
            return false;
        }
    }

    /** The worker side's view of this JVM's connection table (BASE, THREAD). */
    private final EventSite localSite = new EventSite() {
        @Override
        public EventGate gate(int fd) {
            Connection c = table.get(fd);
            return c == null ? null : c.gate;
        }

        @Override
        public boolean socketClosed(int fd) {
            Connection c = table.get(fd);
            return c == null || c.closed;
        }

        @Override
        public void closeHandled(int fd) {
            table.free(fd);
        }
    };

    /** Runs one event in worker {@code w} (a coroutine of it, or its carrier without coroutines). */
    public void handle(Worker.Local w, WorkerEvent event) {
        events.run(localSite, w.scheduler, w.requestCount, event);
    }
}
