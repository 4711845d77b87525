package io.jswoole.server.worker;

import io.jswoole.server.PacketInfo;
import io.jswoole.server.Server;

/**
 * What crosses the boundary between the connection owners (reactors) and a worker. In THREAD and BASE mode an
 * event is handed over by reference; a PROCESS-mode worker receives the same events as frames over its Unix
 * socket (the {@code process} package's IPC), and the same code ({@link EventRunner}) runs them. {@code port} is
 * the index of the port the connection came in on.
 */
public sealed interface WorkerEvent {
    record Connect(int port, int fd, int reactorId) implements WorkerEvent {
    }

    record Receive(int port, int fd, int reactorId, byte[] data) implements WorkerEvent {
    }

    /**
     * A message decoded by a port protocol (HTTP request, WebSocket frame...). {@code gate} is the connection's, when
     * the reactor hands it over in this JVM (saves the worker a table lookup), else null.
     */
    record Message(int port, int fd, int reactorId, Object message, EventGate gate) implements WorkerEvent {
    }

    /** The connection's output passed the high watermark ({@code full}) or fell back to the low one. */
    record Buffer(int port, int fd, boolean full) implements WorkerEvent {
    }

    record Close(int port, int fd, int reactorId) implements WorkerEvent {
    }

    record Packet(int port, byte[] data, PacketInfo info) implements WorkerEvent {
    }
}
