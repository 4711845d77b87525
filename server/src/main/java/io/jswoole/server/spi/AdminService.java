package io.jswoole.server.spi;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The admin listener behind Swoole's {@code admin_server} key ({@code host:port}): found with
 * {@link java.util.ServiceLoader}; the module {@code jswoole-metrics} provides one ({@code /metrics},
 * {@code /health/live}, {@code /health/ready}). Without a provider on the class path the key is refused.
 * <p>Lifecycle: {@link #start} is called in the JVM that owns the sockets (BASE, THREAD, the PROCESS master) before
 * the server binds its ports, so the listener answers while the server starts (readiness then says "starting"); the
 * returned listener is closed after the server has stopped.
 */
public interface AdminService {
    /**
     * Serves on {@code address} until the returned listener is closed.
     *
     * @throws IOException when {@code address} cannot be bound (the server then does not start)
     */
    Listener start(ServerProbe probe, InetSocketAddress address) throws IOException;

    /** A listener that serves until closed. */
    interface Listener extends AutoCloseable {
        /** Where it listens (the port chosen when {@code admin_server} said port 0). */
        InetSocketAddress address();

        /** Stops listening; requests being answered are cut short. */
        @Override
        void close();
    }
}
