package io.jswoole.server;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A worker JVM of PROCESS mode: {@code Server.start()} in a process the manager started runs this instead of
 * binding. It connects to the master, says HELLO, and runs the events the master sends with the same worker-side
 * code as THREAD mode, on one serial scheduler. The server's connection methods ({@code send}, {@code close},
 * {@code getClientInfo}...) become frames to the master; those that answer something wait for the reply, parking
 * only the calling coroutine.
 */
final class ProcessWorker implements EventSite {
    private static final EventGate OPEN = EventGate.open();

    final int id;
    private final Server server;
    private final Scheduler scheduler;
    private final Ipc.Writer writer = new Ipc.Writer("jswoole-ipc");
    private final LongAdder requests = new LongAdder();
    /** The session of each fd this worker has seen, so its commands name the right connection. */
    private final Map<Integer, Long> sessions = new ConcurrentHashMap<>();
    /** Per-fd event order, kept only when connect and close events are delivered. */
    private final Map<Integer, EventGate> gates = new ConcurrentHashMap<>();
    /** Receive events queued or running, by fd (for a peer's half-close). */
    private final Map<Integer, Integer> receiving = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Object>> calls = new ConcurrentHashMap<>();
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicBoolean doneScheduled = new AtomicBoolean();
    private final boolean gated;
    private final long maxRequest;
    private final long maxWaitNanos;
    private volatile boolean stopping;

    ProcessWorker(Server server, int id, Scheduler scheduler, boolean gated, long maxRequest, long maxWaitNanos) {
        this.maxWaitNanos = maxWaitNanos;
        this.server = server;
        this.id = id;
        this.scheduler = scheduler;
        this.gated = gated;
        this.maxRequest = maxRequest;
    }

    /** True in a JVM the manager started as a worker. */
    static boolean inWorkerProcess() {
        return "worker".equals(System.getenv(ProcessManager.ENV_ROLE));
    }

    static int workerIdFromEnv() {
        return Integer.parseInt(System.getenv(ProcessManager.ENV_ID));
    }

    /** Connects, says HELLO, fires workerStart and serves until the master says STOP or goes away. */
    void run() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(System.getenv(ProcessManager.ENV_SOCKET)));
        writer.attach(ch, e -> Log.error("worker #" + id + ": link to the master failed: " + e.getMessage()));
        writer.send(Ipc.frame(Ipc.HELLO, out -> {
            out.writeInt(id);
            out.writeLong(ProcessHandle.current().pid());
        }));
        server.workerStarted(scheduler, id);
        try {
            Ipc.readLoop(ch, this::frame);
        } catch (IOException e) {
            Log.error("worker #" + id + ": bad frame from the master: " + e.getMessage());
        }
        if (!stopping) {
            Log.notice("worker #" + id + ": the master is gone; exiting");
            finish();
        }
    }

    private void frame(byte type, DataInputStream in) throws IOException {
        switch (type) {
            case Ipc.CONNECT -> {
                int port = in.readShort();
                int fd = in.readInt();
                sessions.put(fd, in.readLong());
                if (gated) {
                    gates.put(fd, new EventGate());
                }
                run(new WorkerEvent.Connect(port, fd, in.readInt()));
            }
            case Ipc.RECEIVE -> {
                int port = in.readShort();
                int fd = in.readInt();
                sessions.put(fd, in.readLong());
                int reactor = in.readInt();
                receiving.merge(fd, 1, Integer::sum);
                if (gated) {
                    // the connect may have gone to another worker (dispatch by uid...): then nothing to wait for
                    gates.computeIfAbsent(fd, k -> EventGate.connected()).receiveQueued();
                }
                run(new WorkerEvent.Receive(port, fd, reactor, Ipc.bytes(in)));
            }
            case Ipc.CLOSE -> {
                int port = in.readShort();
                int fd = in.readInt();
                sessions.put(fd, in.readLong());
                if (gated) {
                    gates.computeIfAbsent(fd, k -> EventGate.connected());
                }
                run(new WorkerEvent.Close(port, fd, in.readInt()));
            }
            case Ipc.BUFFER -> {
                int port = in.readShort();
                int fd = in.readInt();
                in.readLong();
                run(new WorkerEvent.Buffer(port, fd, in.readBoolean()));
            }
            case Ipc.PACKET -> {
                int port = in.readShort();
                String address = Ipc.str(in);
                int rport = in.readInt();
                int sport = in.readInt();
                double time = in.readDouble();
                run(new WorkerEvent.Packet(port, Ipc.bytes(in), new PacketInfo(address, rport, port, sport, time)));
            }
            case Ipc.REPLY -> {
                long callId = in.readLong();
                CompletableFuture<Object> f = calls.remove(callId);
                Object v = Values.read(in);
                if (f != null) {
                    f.complete(v);
                }
            }
            case Ipc.HALF_CLOSE -> {
                int fd = in.readInt();
                long session = in.readLong();
                // runs after the receives before it have finished, then lets the master close
                scheduler.dispatch(() -> {
                    while (scheduler.coroutineEnabled() && receiving.containsKey(fd)) {
                        io.jswoole.coroutine.Coroutine.sleep(0.001);
                    }
                    writer.send(Ipc.frame(Ipc.HALF_CLOSED, out -> {
                        out.writeInt(fd);
                        out.writeLong(session);
                    }));
                });
            }
            case Ipc.STOP -> {
                // the master sends nothing after STOP: finish what runs, then exit
                stopping = true;
                Thread.ofPlatform().name("jswoole-worker-stop").start(this::finish);
            }
            default -> throw new IOException("unknown frame type " + type);
        }
    }

    private void run(WorkerEvent e) {
        scheduler.dispatch(() -> {
            try {
                server.handle(this, scheduler, requests, e);
            } finally {
                if (e instanceof WorkerEvent.Receive r) {
                    receiving.computeIfPresent(r.fd(), (k, n) -> n == 1 ? null : n - 1);
                }
                finished();
            }
        });
    }

    /** Counts a finished event; one DONE frame per round of the carrier reports them all. */
    private void finished() {
        done.incrementAndGet();
        if (doneScheduled.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                doneScheduled.set(false);
                int n = done.getAndSet(0);
                writer.send(Ipc.frame(Ipc.DONE, out -> out.writeInt(n)));
            });
        }
        if (maxRequest > 0 && requests.sum() >= maxRequest && !stopping) {
            stopping = true;
            Log.info("worker #" + id + ": max_request (" + maxRequest + ") reached; exiting");
            callAsync(Server.CALL_RETIRE, id);
        }
    }

    /** After STOP (or the master's death): lets running callbacks finish, fires workerStop, exits. */
    private void finish() {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (scheduler.coroutineNum() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                break;
            }
        }
        server.workerStopped(scheduler, id);
        Runtime.getRuntime().halt(0);
    }

    // ---- EventSite

    @Override
    public EventGate gate(int fd) {
        return gated ? gates.get(fd) : OPEN;
    }

    @Override
    public boolean socketClosed(int fd) {
        return false;
    }

    @Override
    public void closeHandled(int fd) {
        Long session = sessions.remove(fd);
        gates.remove(fd);
        writer.send(Ipc.frame(Ipc.CLOSED, out -> {
            out.writeInt(fd);
            out.writeLong(session == null ? 0 : session);
        }));
    }

    // ---- the server's methods, in a worker JVM

    boolean send(int fd, byte[] data) {
        long session = sessions.getOrDefault(fd, 0L);
        writer.send(Ipc.frame(Ipc.SEND, out -> {
            out.writeInt(fd);
            out.writeLong(session);
            Ipc.bytes(out, data);
        }));
        return true;
    }

    boolean close(int fd, boolean reset) {
        long session = sessions.getOrDefault(fd, 0L);
        writer.send(Ipc.frame(Ipc.CLOSE_FD, out -> {
            out.writeInt(fd);
            out.writeLong(session);
            out.writeBoolean(reset);
        }));
        return true;
    }

    boolean sendto(String ip, int port, byte[] data, int sock) {
        writer.send(Ipc.frame(Ipc.SENDTO, out -> {
            Ipc.str(out, ip);
            out.writeInt(port);
            out.writeInt(sock);
            Ipc.bytes(out, data);
        }));
        return true;
    }

    boolean control(byte op, int fd) {
        long session = sessions.getOrDefault(fd, 0L);
        writer.send(Ipc.frame(Ipc.CONTROL, out -> {
            out.writeByte(op);
            out.writeInt(fd);
            out.writeLong(session);
        }));
        return true;
    }

    boolean bind(int fd, long uid) {
        long session = sessions.getOrDefault(fd, 0L);
        writer.send(Ipc.frame(Ipc.BIND, out -> {
            out.writeInt(fd);
            out.writeLong(session);
            out.writeLong(uid);
        }));
        return true;
    }

    /** Tells the master something without waiting for its answer. */
    void callAsync(byte op, Object args) {
        writer.send(Ipc.frame(Ipc.CALL, out -> {
            out.writeLong(0);
            out.writeByte(op);
            Values.write(out, args);
        }));
    }

    /** Asks the master and waits for the answer (at most 10 s); parks only the calling coroutine. */
    Object call(byte op, Object args) {
        long callId = callIds.incrementAndGet();
        CompletableFuture<Object> f = new CompletableFuture<>();
        calls.put(callId, f);
        writer.send(Ipc.frame(Ipc.CALL, out -> {
            out.writeLong(callId);
            out.writeByte(op);
            Values.write(out, args);
        }));
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            calls.remove(callId);
            LastError.set(ErrorCode.CO_TIMEDOUT);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return null;
        }
    }

}
