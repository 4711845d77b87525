package io.jswoole.server.worker;

/**
 * Where the worker side of the server finds what it needs to run an event: the connection's gate, and what to do
 * once a close has been handled. In BASE and THREAD mode that is the connection table; in a PROCESS-mode worker,
 * the worker's own per-fd state and the link to the master.
 */
public interface EventSite {
    /** The gate of {@code fd}, or null when the connection is gone. */
    EventGate gate(int fd);

    /** Whether the socket of {@code fd} is already closed ({@code discard_timeout_request}). */
    boolean socketClosed(int fd);

    /** The close event of {@code fd} has run: its fd may be reused. */
    void closeHandled(int fd);
}
