package io.jswoole.server.process;

import io.jswoole.server.mode.ConnectionOps;
import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.PortProtocol;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a worker JVM tells its PROCESS master: one record per frame type, with the encoder ({@link #encode}) and the
 * decoder ({@link #decode}) side by side below, in the same order. The worker JVM builds frames only through
 * {@code encode} and the master reads them only through {@code decode}; {@code IpcGoldenTest} pins the bytes of
 * each. The layout of every frame is in {@link Ipc}.
 * <p>The frames about one connection ({@link ConnectionFrame}) are carried out by {@link MasterCommands}; the rest
 * (the worker's HELLO, calls, tasks, pipe messages, event counts) by the {@link ProcessManager}.
 */
public sealed interface ToMaster {
    /** What a worker JVM asks its master ({@link Call}): the question's code on the wire, and its arguments. */
    enum Query {
        EXISTS(1), INFO(2), LIST(3), STATS(4), HEARTBEAT(5), SHUTDOWN(6), CONNECTIONS(7), RELOAD(8), RETIRE(9),
        STOP_WORKER(10), WORKER_PID(11), WORKER_STATUS(12), PROTOCOL(13), BIND(14);

        final byte code;

        Query(int code) {
            this.code = (byte) code;
        }

        static Query of(byte code) throws IOException {
            for (Query q : values()) {
                if (q.code == code) {
                    return q;
                }
            }
            throw new IOException("unknown call " + code);
        }
    }

    /** A frame that acts on one connection, named by fd and session (0: whatever connection has the fd). */
    sealed interface ConnectionFrame extends ToMaster {
    }

    /** The first frame of a worker JVM: which worker it is. */
    record Hello(int worker, long pid) implements ToMaster {
    }

    /** {@code send}: bytes for a connection; the hot frame of TCP ports. */
    record Send(int fd, long session, byte[] data) implements ConnectionFrame {
    }

    /** {@code close}, or a reset ({@code close(fd, true)}). */
    record CloseFd(int fd, long session, boolean reset) implements ConnectionFrame {
    }

    /** {@code sendto} on UDP server socket {@code serverSocket}. */
    record SendTo(String ip, int port, int serverSocket, byte[] data) implements ConnectionFrame {
    }

    /** {@code pause}, {@code resume}, {@code protect}. */
    record Control(ConnectionOps.Control op, int fd, long session) implements ConnectionFrame {
    }

    /** A question for the master; {@code id} 0 wants no answer, else a {@link ToWorker.Reply} with it comes back. */
    record Call(long id, Query query, Object args) implements ToMaster {
    }

    /** The close event of the connection ran: the master may free its fd. */
    record Closed(int fd, long session) implements ConnectionFrame {
    }

    /** {@code events} finished since the last DONE (the dispatcher's count of what the worker holds). */
    record Done(int events) implements ToMaster {
    }

    /** The receives before a half-close ran: the master may close the connection. */
    record HalfClosed(int fd, long session) implements ConnectionFrame {
    }

    /** {@code task()}: to task worker {@code dst} (-1: the one the master picks). */
    record Task(int dst, int id, byte flags, byte[] data) implements ToMaster {
    }

    /** A task worker's result for task {@code id} of worker {@code src} ({@code TASK_NONE}: none). */
    record TaskResult(int src, int id, byte flags, byte[] data) implements ToMaster {
    }

    /** {@code sendMessage} to worker {@code dst}. */
    record PipeTo(int dst, byte[] message) implements ToMaster {
    }

    /** A port protocol's reply for a connection, written and read by the port's {@link PortProtocol.Remote}. */
    record Write(int port, int fd, long session, Object reply) implements ConnectionFrame {
    }

    /**
     * A task worker reached task_max_request: it runs on the tasks {@code running} names (by {@link Ipc#taskKey})
     * and the master routes every other task it sent there to the replacement.
     */
    record TasksRetired(long[] running) implements ToMaster {
    }

    /**
     * The worker JVM's coroutines now and at most at once (the admin listener's per-worker gauges): sent when they
     * changed, at most once a second.
     */
    record Coroutines(int num, int peak) implements ToMaster {
    }

    /** The frame of {@code m}; a {@link Write}'s body is written by the protocol of its port. */
    static ByteBuffer encode(ToMaster m, Ipc.Protocols protocols) {
        return switch (m) {
            case Hello h -> Ipc.frame(Ipc.HELLO, out -> {
                out.writeInt(h.worker());
                out.writeLong(h.pid());
            });
            case Send s -> Ipc.send(s.fd(), s.session(), s.data());
            case CloseFd c -> Ipc.frame(Ipc.CLOSE_FD, out -> {
                out.writeInt(c.fd());
                out.writeLong(c.session());
                out.writeBoolean(c.reset());
            });
            case SendTo s -> Ipc.frame(Ipc.SENDTO, out -> {
                Ipc.str(out, s.ip());
                out.writeInt(s.port());
                out.writeInt(s.serverSocket());
                Ipc.bytes(out, s.data());
            });
            case Control c -> Ipc.frame(Ipc.CONTROL, out -> {
                out.writeByte(switch (c.op()) {
                    case PAUSE -> Ipc.OP_PAUSE;
                    case RESUME -> Ipc.OP_RESUME;
                    case PROTECT -> Ipc.OP_PROTECT;
                    case UNPROTECT -> Ipc.OP_UNPROTECT;
                });
                out.writeInt(c.fd());
                out.writeLong(c.session());
            });
            case Call c -> Ipc.frame(Ipc.CALL, out -> {
                out.writeLong(c.id());
                out.writeByte(c.query().code);
                Values.write(out, c.args());
            });
            case Closed c -> Ipc.frame(Ipc.CLOSED, out -> {
                out.writeInt(c.fd());
                out.writeLong(c.session());
            });
            case Done d -> Ipc.frame(Ipc.DONE, out -> out.writeInt(d.events()));
            case Coroutines c -> Ipc.frame(Ipc.COROUTINES, out -> {
                out.writeInt(c.num());
                out.writeInt(c.peak());
            });
            case HalfClosed h -> Ipc.frame(Ipc.HALF_CLOSED, out -> {
                out.writeInt(h.fd());
                out.writeLong(h.session());
            });
            case Task t -> Ipc.frame(Ipc.TASK, out -> {
                out.writeInt(t.dst());
                out.writeInt(t.id());
                out.writeByte(t.flags());
                Ipc.bytes(out, t.data());
            });
            case TaskResult t -> Ipc.frame(Ipc.TASK_RESULT, out -> {
                out.writeInt(t.src());
                out.writeInt(t.id());
                out.writeByte(t.flags());
                Ipc.bytes(out, t.data());
            });
            case PipeTo p -> Ipc.frame(Ipc.PIPE_TO, out -> {
                out.writeInt(p.dst());
                Ipc.bytes(out, p.message());
            });
            case Write w -> Ipc.frame(Ipc.WRITE, out -> {
                out.writeShort(w.port());
                out.writeInt(w.fd());
                out.writeLong(w.session());
                protocols.remote(w.port()).writeReply(w.fd(), w.reply(), out);
            });
            case TasksRetired r -> Ipc.frame(Ipc.TASKS_RETIRED, out -> {
                out.writeInt(r.running().length);
                for (long k : r.running()) {
                    out.writeLong(k);
                }
            });
        };
    }

    /**
     * The message of a frame of {@code type} whose body is {@code in} (read in place: the bytes are copied). A
     * {@link Write} holds what the port's protocol read, null when it dropped the reply.
     */
    static ToMaster decode(byte type, FrameInput in, Ipc.Protocols protocols) throws IOException {
        ToMaster m = switch (type) {
            case Ipc.HELLO -> new Hello(in.readInt(), in.readLong());
            case Ipc.SEND -> new Send(in.readInt(), in.readLong(), Ipc.bytes(in));
            case Ipc.CLOSE_FD -> new CloseFd(in.readInt(), in.readLong(), in.readBoolean());
            case Ipc.SENDTO -> new SendTo(Ipc.str(in), in.readInt(), in.readInt(), Ipc.bytes(in));
            case Ipc.CONTROL -> {
                byte op = in.readByte();
                ConnectionOps.Control control = switch (op) {
                    case Ipc.OP_PAUSE -> ConnectionOps.Control.PAUSE;
                    case Ipc.OP_RESUME -> ConnectionOps.Control.RESUME;
                    case Ipc.OP_PROTECT -> ConnectionOps.Control.PROTECT;
                    case Ipc.OP_UNPROTECT -> ConnectionOps.Control.UNPROTECT;
                    default -> throw new IOException("unknown control op " + op);
                };
                yield new Control(control, in.readInt(), in.readLong());
            }
            case Ipc.CALL -> new Call(in.readLong(), Query.of(in.readByte()), Values.read(in));
            case Ipc.CLOSED -> new Closed(in.readInt(), in.readLong());
            case Ipc.DONE -> new Done(in.readInt());
            case Ipc.COROUTINES -> new Coroutines(in.readInt(), in.readInt());
            case Ipc.HALF_CLOSED -> new HalfClosed(in.readInt(), in.readLong());
            case Ipc.TASK -> new Task(in.readInt(), in.readInt(), in.readByte(), Ipc.bytes(in));
            case Ipc.TASK_RESULT -> new TaskResult(in.readInt(), in.readInt(), in.readByte(), Ipc.bytes(in));
            case Ipc.PIPE_TO -> new PipeTo(in.readInt(), Ipc.bytes(in));
            case Ipc.WRITE -> {
                int port = in.readShort();
                int fd = in.readInt();
                long session = in.readLong();
                yield new Write(port, fd, session, protocols.remote(port).readReply(fd, in));
            }
            case Ipc.TASKS_RETIRED -> {
                int n = in.readInt();
                if (n < 0 || n > in.remaining() / Long.BYTES) {
                    throw new IOException("corrupt TASKS_RETIRED count " + n);
                }
                long[] running = new long[n];
                for (int i = 0; i < n; i++) {
                    running[i] = in.readLong();
                }
                yield new TasksRetired(running);
            }
            default -> throw new IOException("unknown frame type " + type + " from a worker JVM");
        };
        Ipc.ended(type, in);
        return m;
    }
}
