package io.jswoole.server.reactor;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.log.Log;
import io.jswoole.server.ClientInfo;
import io.jswoole.server.Port;
import io.jswoole.server.SockType;
import io.jswoole.server.mode.ConnectionOps;
import io.jswoole.server.mode.OneJvm;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.tls.Tls;
import io.jswoole.server.worker.Worker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link ConnectionOps} over this JVM's connection table: BASE, THREAD and the PROCESS master (which also carries
 * out its worker JVMs' calls through it).
 */
public final class LocalConnections implements ConnectionOps {
    private final OneJvm engine;
    private final ConnectionTable table;
    private final List<Port> ports;
    private final Map<Integer, List<Channel>> datagramChannels;
    private final IdleScanner idleScanner;
    private final long bufferOutputSize;
    private final boolean sendYield;
    private final long sendTimeoutNanos;
    private final LongAdder sentBytes;
    /** {@code sendwait} is Swoole's only in BASE mode. */
    private final boolean baseMode;

    public LocalConnections(OneJvm engine, ConnectionTable table, List<Port> ports,
                     Map<Integer, List<Channel>> datagramChannels, IdleScanner idleScanner, long bufferOutputSize,
                     boolean sendYield, long sendTimeoutNanos, LongAdder sentBytes, boolean baseMode) {
        this.baseMode = baseMode;
        this.engine = engine;
        this.table = table;
        this.ports = ports;
        this.datagramChannels = datagramChannels;
        this.idleScanner = idleScanner;
        this.bufferOutputSize = bufferOutputSize;
        this.sendYield = sendYield;
        this.sendTimeoutNanos = sendTimeoutNanos;
        this.sentBytes = sentBytes;
    }

    @Override
    public boolean send(int fd, byte[] data) {
        return !ConnectionOps.invalidFd(fd) && send(fd, data, null);
    }

    /**
     * BASE mode, in a coroutine of an event worker: the send, then the coroutine waits (the worker's other coroutines
     * run) until the bytes have been written to the socket, the connection closed, or {@code send_timeout} passed.
     * Swoole blocks the whole worker instead. A UDP fd, a task worker and a callback that is no coroutine are refused.
     */
    @Override
    public boolean sendwait(int fd, byte[] data) {
        Worker me = engine.currentWorker();
        if (!baseMode || me == null || me.id >= engine.eventWorkerCount()) {
            return ConnectionOps.refuseSendwait(baseMode ? "a task worker or outside the workers" : "this mode");
        }
        if (io.jswoole.coroutine.Coroutine.getCid() <= 0) {
            return ConnectionOps.refuseSendwait("a callback that is not a coroutine (enable_coroutine is off)");
        }
        if (data.length == 0) {
            Log.warning("sendwait(): data is empty");
            return LastError.fail(ErrorCode.INVALID_PARAMS);
        }
        java.util.concurrent.CompletableFuture<Boolean> written = new java.util.concurrent.CompletableFuture<>();
        if (!send(fd, data, written)) {
            return false;
        }
        try {
            boolean ok = sendTimeoutNanos > 0
                    ? written.get(sendTimeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS) : written.get();
            return ok || LastError.fail(ErrorCode.SESSION_CLOSED);
        } catch (java.util.concurrent.TimeoutException e) {
            return LastError.fail(ErrorCode.CO_TIMEDOUT);
        } catch (java.util.concurrent.ExecutionException e) {
            return LastError.fail(ErrorCode.SESSION_CLOSED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LastError.fail(ErrorCode.CO_CANCELED);
        }
    }

    /** {@code send}; with {@code written}, it completes when the bytes are on the socket (false: they never will). */
    private boolean send(int fd, byte[] data, java.util.concurrent.CompletableFuture<Boolean> written) {
        Connection c = table.get(fd);
        if (c == null) {
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        if (c.closed || c.closedByServer) {
            return LastError.fail(ErrorCode.SESSION_CLOSED);
        }
        if (data.length > bufferOutputSize) {
            return LastError.fail(ErrorCode.DATA_LENGTH_TOO_LARGE);
        }
        if (c.queuedBytes() + data.length > c.portConfig.socketBufferSize() && !makeRoom(c, data.length)) {
            return false;
        }
        ByteBuf buf = c.channel.alloc().directBuffer(Math.max(data.length, 1)).writeBytes(data);
        if (!c.send(written == null ? buf : new Connection.Awaited(buf, written))) {
            return LastError.fail(ErrorCode.SESSION_CLOSED);
        }
        if (!c.outputFull && c.queuedBytes() >= c.portConfig.highWatermark()) {
            c.outputFull = true;
            engine.intake.outputFull(c);
        }
        sentBytes.add(data.length);
        Worker me = engine.currentWorker();
        if (me != null) {
            me.responseCount.increment();
        }
        return true;
    }

    /**
     * The output of {@code c} is at {@code socket_buffer_size}. With {@code send_yield}, a coroutine waits for the
     * drain (at most {@code send_timeout}); otherwise the peer is not reading: the send fails with "output buffer
     * overflow" and that connection is closed, so it cannot hold more memory (fault class 3, the slow reader).
     */
    private boolean makeRoom(Connection c, int bytes) {
        if (sendYield && io.jswoole.coroutine.Coroutine.getCid() > 0) {
            if (c.awaitRoom(bytes, c.portConfig.socketBufferSize(), sendTimeoutNanos)) {
                return true;
            }
            return LastError.fail(c.closed || c.closedByServer ? ErrorCode.SESSION_CLOSED : ErrorCode.CO_TIMEDOUT);
        }
        Log.warning("fd " + c.fd + " from " + c.remoteIp + ":" + c.remotePort + ": output buffer overflow ("
                + c.queuedBytes() + " bytes queued, socket_buffer_size " + c.portConfig.socketBufferSize()
                + "); the peer is not reading, closing the connection");
        c.abort();
        return LastError.fail(ErrorCode.OUTPUT_BUFFER_OVERFLOW);
    }

    @Override
    public boolean sendto(String ip, int port, byte[] data, int serverSocket) {
        Port p = serverSocket >= 0 && serverSocket < ports.size() ? ports.get(serverSocket) : null;
        if (p == null) {
            SockType want = ip.startsWith("/") ? SockType.UNIX_DGRAM : ip.contains(":") ? SockType.UDP6 : SockType.UDP;
            for (Port q : ports) {
                if (q.type() == want) {
                    p = q;
                    break;
                }
            }
        }
        List<Channel> chs = p == null ? null : datagramChannels.get(p.index());
        if (chs == null || chs.isEmpty()) {
            return LastError.fail(ErrorCode.INVALID_PARAMS);
        }
        chs.get(0).writeAndFlush(Reactor.datagram(p.type(), Unpooled.copiedBuffer(data), ip, port));
        sentBytes.add(data.length);
        return true;
    }

    @Override
    public boolean close(int fd, boolean reset) {
        Connection c = table.get(fd);
        if (c == null) {
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        // closed but still in the table: its close callback has not finished yet
        return c.close(reset) || LastError.fail(ErrorCode.SESSION_CLOSED);
    }

    @Override
    public boolean control(int fd, Control op) {
        Connection c = table.get(fd);
        if (c == null || c.closed) {
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        switch (op) {
            case PAUSE -> c.pauseReading(Connection.PAUSE_USER, true);
            case RESUME -> c.pauseReading(Connection.PAUSE_USER | Connection.PAUSE_DELAY, false);
            case PROTECT -> c.protect = true;
            case UNPROTECT -> c.protect = false;
        }
        return true;
    }

    @Override
    public boolean bind(int fd, long uid) {
        Connection c = table.get(fd);
        if (c == null || c.closed) {
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        synchronized (c) {
            if (c.uid != 0) {
                return LastError.fail(ErrorCode.WRONG_OPERATION);
            }
            c.uid = uid;
        }
        return true;
    }

    @Override
    public boolean exists(int fd) {
        Connection c = table.get(fd);
        return c != null && !c.closed && !c.closedByServer;
    }

    @Override
    public Optional<ClientInfo> info(int fd) {
        Connection c = table.get(fd);
        if (c == null) {
            return Optional.empty();
        }
        double recv = c.lastRecvMillis / 1000.0, send = c.lastSendMillis / 1000.0;
        return Optional.of(new ClientInfo(c.port.port(), c.port.index(), c.socketFd(), c.port.type().value(),
                c.remotePort,
                c.remoteIp, c.reactorId, c.connectTime, Math.max(recv, send), recv, send,
                c.lastDispatchMillis / 1000.0, 0, 0, c.sendQueued(), c.uid, c.workerId,
                ServerAccess.tls(c.port) == null ? Optional.empty() : Tls.peerCertificate(c.channel)));
    }

    @Override
    public List<Integer> list(int startFd, int count) {
        return table.list(startFd, Math.max(0, Math.min(count, 100)));
    }

    @Override
    public Set<Integer> fds() {
        return table.fds();
    }

    @Override
    public List<Integer> heartbeat(boolean closeIdle) {
        return idleScanner == null ? List.of() : idleScanner.scan(closeIdle);
    }

    @Override
    public boolean write(int fd, Object message) {
        Connection c = table.get(fd);
        if (c == null || c.closed || c.closedByServer) {
            io.netty.util.ReferenceCountUtil.release(message);
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        return c.send(message) || LastError.fail(ErrorCode.SESSION_CLOSED);
    }
}
