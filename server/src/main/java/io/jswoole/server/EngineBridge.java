package io.jswoole.server;

import io.jswoole.server.config.PortConfig;
import io.jswoole.server.config.ServerConfig;
import io.jswoole.server.mode.ModeRuntime;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.process.WorkerEntry;
import io.jswoole.server.tls.Tls;
import io.jswoole.server.worker.EventHandlers;
import io.jswoole.server.worker.EventRunner;

/** The API package's side of {@link ServerAccess}, installed once, when {@link Server} is initialised. */
final class EngineBridge implements ServerAccess.Bridge {
    @Override
    public ModeRuntime runtime(Server server) {
        return server.runtime;
    }

    @Override
    public EventHandlers handlers(Server server) {
        return server.handlers;
    }

    @Override
    public EventRunner events(Server server) {
        return server.events;
    }

    @Override
    public ServerConfig config(Server server) {
        return server.config;
    }

    @Override
    public WorkerEntry entry(Server server) {
        return server.entry;
    }

    @Override
    public java.util.List<io.jswoole.server.spi.ServerProcess> processes(Server server) {
        return server.processes;
    }

    @Override
    public boolean stopInBackground(Server server) {
        return server.stopInBackground();
    }

    @Override
    public void resolve(Port port, int heartbeatCheckInterval) {
        port.config = PortConfig.of(port, port.frame, heartbeatCheckInterval);
    }

    @Override
    public PortConfig config(Port port) {
        return port.config;
    }

    @Override
    public Tls tls(Port port) {
        return port.tls;
    }

    @Override
    public void tls(Port port, Tls tls) {
        port.tls = tls;
    }

    @Override
    public void bound(Port port, int number) {
        port.port = number;
    }
}
