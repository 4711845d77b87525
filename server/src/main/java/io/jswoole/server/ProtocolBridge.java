package io.jswoole.server;

import io.jswoole.server.process.ProcessWorker;
import io.jswoole.server.process.ToMaster;
import io.jswoole.server.reactor.Connection;
import io.jswoole.server.spi.PortProtocol;
import io.jswoole.server.spi.ProtocolSupport;

/** The engine's side of {@link ProtocolSupport}, installed once, when {@link Server} is initialised. */
final class ProtocolBridge implements ProtocolSupport.Bridge {
    @Override
    public void use(Port port, PortProtocol protocol) {
        port.server.checkNotStarted("ProtocolSupport.use");
        port.protocol = protocol;
    }

    @Override
    public PortProtocol protocol(Port port) {
        return port.protocol;
    }

    @Override
    public boolean write(Server server, int fd, Object message) {
        return server.runtime.connections().write(fd, message);
    }

    @Override
    public Runnable hold(Server server) {
        return server.holdWorker();
    }

    @Override
    public Runnable holdStop(Server server) {
        return server.runtime.holdStop();
    }

    @Override
    public boolean workerJvm(Server server) {
        return server.mode() == Mode.PROCESS && ProcessWorker.inWorkerProcess();
    }

    @Override
    public boolean inWorkerProcess(Server server) {
        return server.runtime instanceof ProcessWorker;
    }

    @Override
    public Object call(Server server, int fd, Object question) {
        if (server.runtime instanceof ProcessWorker remote) {
            return remote.call(ToMaster.Query.PROTOCOL, java.util.List.of(remote.portOf(fd).index, question));
        }
        Port port = port(server, fd);
        return (port != null && port.protocol != null ? port : Port.firstWithProtocol(server.ports())).protocol
                .remote().answer(question);
    }

    @Override
    public Port port(Server server, int fd) {
        Connection c = server.runtime.connection(fd);
        return c == null ? null : c.port;
    }
}
