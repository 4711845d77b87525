package io.jswoole.server.worker;

import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import io.jswoole.server.Callbacks;
import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.mode.ServerAccess;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker side of the server: runs one event's callback (connect, receive, protocol message, buffer, close,
 * packet) where the event was dispatched, keeping the order of the connection's events ({@link EventGate}): a
 * receive waits for the connect callback, a close for every receive, and the fd is freed only after the close.
 * The same code runs in local workers (BASE, THREAD) and in worker JVMs (PROCESS); {@link EventSite} says where
 * the gates live. A callback that throws gets one log line with its stack; the worker goes on.
 */
public final class EventRunner {
    private final Server server;

    public EventRunner(Server server) {
        this.server = server;
    }

    /** Runs {@code event}'s callback, keeping the order of the connection's events. */
    public void run(EventSite site, Scheduler scheduler, LongAdder requests, WorkerEvent event) {
        boolean mayWait = scheduler.coroutineEnabled();
        switch (event) {
            case WorkerEvent.Connect e -> {
                EventGate gate = site.gate(e.fd());
                try {
                    if (gate != null) {
                        server.ports().get(e.port()).connectCallback().handle(server, e.fd(), e.reactorId());
                    }
                } catch (RuntimeException ex) {
                    Log.error("connect callback failed (fd " + e.fd() + ")", ex);
                } finally {
                    if (gate != null) {
                        gate.markConnected();
                    }
                }
            }
            case WorkerEvent.Receive e -> {
                EventGate gate = site.gate(e.fd());
                if (gate == null) {
                    return;
                }
                try {
                    if (mayWait) {
                        gate.awaitConnected();
                    }
                    if (ServerAccess.config(server).discardTimeoutRequest() && site.socketClosed(e.fd())) {
                        Log.debug("fd " + e.fd() + ": discarding data that arrived before the close");
                        return;
                    }
                    requests.increment();
                    server.ports().get(e.port()).receiveCallback().handle(server, e.fd(), e.reactorId(), e.data());
                } catch (RuntimeException ex) {
                    Log.error("receive callback failed (fd " + e.fd() + ")", ex);
                } finally {
                    gate.exitReceive();
                }
            }
            case WorkerEvent.Message e -> {
                EventGate gate = e.gate() != null ? e.gate() : site.gate(e.fd());
                if (gate == null) {
                    io.netty.util.ReferenceCountUtil.release(e.message());
                    return;
                }
                try {
                    if (mayWait) {
                        gate.awaitConnected();
                    }
                    requests.increment();
                    server.ports().get(e.port()).protocol().onMessage(server, e.fd(), e.reactorId(), e.message());
                } catch (RuntimeException ex) {
                    Log.error("protocol handler failed (fd " + e.fd() + ")", ex);
                } finally {
                    io.netty.util.ReferenceCountUtil.release(e.message());
                    gate.exitReceive();
                }
            }
            case WorkerEvent.Buffer e -> {
                Port p = server.ports().get(e.port());
                Callbacks.OnBuffer cb = e.full() ? p.bufferFullCallback() : p.bufferEmptyCallback();
                try {
                    if (cb != null) {
                        cb.handle(server, e.fd());
                    }
                } catch (RuntimeException ex) {
                    Log.error("buffer callback failed (fd " + e.fd() + ")", ex);
                }
            }
            case WorkerEvent.Close e -> {
                EventGate gate = site.gate(e.fd());
                if (gate == null) {
                    return;
                }
                try {
                    if (mayWait) {
                        gate.awaitIdle();
                    }
                    Callbacks.OnConnection cb = server.ports().get(e.port()).closeCallback();
                    if (ServerAccess.config(server).deliversConnectClose() && cb != null) {
                        cb.handle(server, e.fd(), e.reactorId());
                    }
                } catch (RuntimeException ex) {
                    Log.error("close callback failed (fd " + e.fd() + ")", ex);
                } finally {
                    site.closeHandled(e.fd());
                }
            }
            case WorkerEvent.Packet e -> {
                try {
                    requests.increment();
                    server.ports().get(e.port()).packetCallback().handle(server, e.data(), e.info());
                } catch (RuntimeException ex) {
                    Log.error("packet callback failed (from " + e.info().address() + ")", ex);
                }
            }
        }
    }
}
