package io.jswoole.server.process;

import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.PortProtocol;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the PROCESS master tells a worker JVM: one record per frame type, with the encoder ({@link #encode}) and
 * the decoder ({@link #decode}) side by side below, in the same order, so that a field added to one is seen missing
 * in the other. The master builds frames only through {@code encode} and the worker JVM reads them only through
 * {@code decode}; {@code IpcGoldenTest} pins the bytes of each. The layout of every frame is in {@link Ipc}.
 * <p>A session names the connection an event is about (see {@link Ipc}); task {@code flags} are {@link Ipc}'s
 * {@code TASK_*} bits; task data and messages are {@link Values} encodings, carried as bytes.
 */
public sealed interface ToWorker {
    /** A connection was accepted ({@code connect}). */
    record Connect(int port, int fd, long session, int reactor) implements ToWorker {
    }

    /** Bytes from a connection ({@code receive}); the hot frame of TCP ports. */
    record Receive(int port, int fd, long session, int reactor, byte[] data) implements ToWorker {
    }

    /** A connection closed ({@code close}); the worker answers {@link ToMaster.Closed} once it ran the event. */
    record Close(int port, int fd, long session, int reactor) implements ToWorker {
    }

    /** A datagram ({@code packet}). */
    record Packet(int port, String address, int remotePort, int serverPort, double time, byte[] data)
            implements ToWorker {
    }

    /** A connection's output buffer went over or under its watermark ({@code bufferFull}/{@code bufferEmpty}). */
    record Buffer(int port, int fd, long session, boolean full) implements ToWorker {
    }

    /** The answer to the worker's {@link ToMaster.Call} {@code callId}. */
    record Reply(long callId, Object value) implements ToWorker {
    }

    /** Finish the work in flight and exit; nothing follows it on this socket. */
    record Stop() implements ToWorker {
    }

    /** The peer shut its output down; the worker answers {@link ToMaster.HalfClosed} after the receives before it. */
    record HalfClose(int fd, long session) implements ToWorker {
    }

    /** A task for this task worker from worker {@code src}. */
    record Task(int src, int id, byte flags, byte[] data) implements ToWorker {
    }

    /** The result (or the failure) of task {@code id} this worker sent. */
    record Finish(int id, byte flags, byte[] data) implements ToWorker {
    }

    /** {@code sendMessage} from worker {@code src} (-1: the master). */
    record Pipe(int src, byte[] message) implements ToWorker {
    }

    /**
     * A port protocol's message (an HTTP request...), written and read by the port's {@link PortProtocol.Remote}.
     * {@code delivery} is the master's handle on it (not on the wire: null when read).
     */
    record Message(int port, int fd, long session, int reactor, Object message, PortProtocol.Delivery delivery)
            implements ToWorker {
    }

    /** The frame of {@code m}; a {@link Message}'s body is written by the protocol of its port. */
    static ByteBuffer encode(ToWorker m, Ipc.Protocols protocols) {
        return switch (m) {
            case Connect c -> Ipc.frame(Ipc.CONNECT, out -> {
                out.writeShort(c.port());
                out.writeInt(c.fd());
                out.writeLong(c.session());
                out.writeInt(c.reactor());
            });
            case Receive r -> Ipc.receive(r.port(), r.fd(), r.session(), r.reactor(), r.data());
            case Close c -> Ipc.frame(Ipc.CLOSE, out -> {
                out.writeShort(c.port());
                out.writeInt(c.fd());
                out.writeLong(c.session());
                out.writeInt(c.reactor());
            });
            case Packet p -> Ipc.frame(Ipc.PACKET, out -> {
                out.writeShort(p.port());
                Ipc.str(out, p.address());
                out.writeInt(p.remotePort());
                out.writeInt(p.serverPort());
                out.writeDouble(p.time());
                Ipc.bytes(out, p.data());
            });
            case Buffer b -> Ipc.frame(Ipc.BUFFER, out -> {
                out.writeShort(b.port());
                out.writeInt(b.fd());
                out.writeLong(b.session());
                out.writeBoolean(b.full());
            });
            case Reply r -> Ipc.frame(Ipc.REPLY, out -> {
                out.writeLong(r.callId());
                Values.write(out, r.value());
            });
            case Stop s -> Ipc.frame(Ipc.STOP, out -> { });
            case HalfClose h -> Ipc.frame(Ipc.HALF_CLOSE, out -> {
                out.writeInt(h.fd());
                out.writeLong(h.session());
            });
            case Task t -> Ipc.frame(Ipc.TASK, out -> {
                out.writeInt(t.src());
                out.writeInt(t.id());
                out.writeByte(t.flags());
                Ipc.bytes(out, t.data());
            });
            case Finish f -> Ipc.frame(Ipc.FINISH, out -> {
                out.writeInt(f.id());
                out.writeByte(f.flags());
                Ipc.bytes(out, f.data());
            });
            case Pipe p -> Ipc.frame(Ipc.PIPE, out -> {
                out.writeInt(p.src());
                Ipc.bytes(out, p.message());
            });
            case Message g -> Ipc.frame(Ipc.MESSAGE, out -> {
                out.writeShort(g.port());
                out.writeInt(g.fd());
                out.writeLong(g.session());
                out.writeInt(g.reactor());
                protocols.remote(g.port()).writeMessage(g.fd(), g.message(), g.delivery(), out);
            });
        };
    }

    /** The message of a frame of {@code type} whose body is {@code in} (read in place: the bytes are copied). */
    static ToWorker decode(byte type, FrameInput in, Ipc.Protocols protocols) throws IOException {
        ToWorker m = switch (type) {
            case Ipc.CONNECT -> new Connect(in.readShort(), in.readInt(), in.readLong(), in.readInt());
            case Ipc.RECEIVE -> new Receive(in.readShort(), in.readInt(), in.readLong(), in.readInt(), Ipc.bytes(in));
            case Ipc.CLOSE -> new Close(in.readShort(), in.readInt(), in.readLong(), in.readInt());
            case Ipc.PACKET -> new Packet(in.readShort(), Ipc.str(in), in.readInt(), in.readInt(), in.readDouble(),
                    Ipc.bytes(in));
            case Ipc.BUFFER -> new Buffer(in.readShort(), in.readInt(), in.readLong(), in.readBoolean());
            case Ipc.REPLY -> new Reply(in.readLong(), Values.read(in));
            case Ipc.STOP -> new Stop();
            case Ipc.HALF_CLOSE -> new HalfClose(in.readInt(), in.readLong());
            case Ipc.TASK -> new Task(in.readInt(), in.readInt(), in.readByte(), Ipc.bytes(in));
            case Ipc.FINISH -> new Finish(in.readInt(), in.readByte(), Ipc.bytes(in));
            case Ipc.PIPE -> new Pipe(in.readInt(), Ipc.bytes(in));
            case Ipc.MESSAGE -> {
                int port = in.readShort();
                int fd = in.readInt();
                long session = in.readLong();
                int reactor = in.readInt();
                yield new Message(port, fd, session, reactor, protocols.remote(port).readMessage(fd, in), null);
            }
            default -> throw new IOException("unknown frame type " + type + " from the master");
        };
        Ipc.ended(type, in);
        return m;
    }
}
