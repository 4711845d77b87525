package io.jswoole.server;

/**
 * What crosses the boundary between the connection owners (reactors) and a worker. In THREAD and BASE mode an
 * event is handed over by reference; a PROCESS-mode worker receives the same events as frames over its Unix
 * socket, so the worker side is written once against this type.
 */
sealed interface WorkerEvent {
    record Connect(int fd, int reactorId) implements WorkerEvent {
    }

    record Receive(int fd, int reactorId, byte[] data) implements WorkerEvent {
    }

    /** A message decoded by a port protocol (HTTP request, WebSocket frame...). */
    record Message(int fd, int reactorId, Object message) implements WorkerEvent {
    }

    /** The connection's output passed the high watermark ({@code full}) or fell back to the low one. */
    record Buffer(int fd, boolean full) implements WorkerEvent {
    }

    record Close(int fd, int reactorId) implements WorkerEvent {
    }

    record Packet(int portIndex, byte[] data, PacketInfo info) implements WorkerEvent {
    }
}
