package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** A server started on a background thread for one test; closing it shuts the server down and waits. */
final class Running implements AutoCloseable {
    final Server server;
    private final Thread thread;

    private Running(Server server) {
        this.server = server;
        this.thread = Thread.ofPlatform().name("test-server").start(server::start);
    }

    static Running start(Server server) throws InterruptedException {
        Running r = new Running(server);
        assertThat(server.awaitStarted(10, TimeUnit.SECONDS)).as("server started").isTrue();
        return r;
    }

    int port() {
        return server.port();
    }

    Socket connect() throws IOException {
        return connect(port());
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(5000);
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** Reads exactly {@code n} bytes. */
    static byte[] read(Socket s, int n) throws IOException {
        InputStream in = s.getInputStream();
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new IOException("EOF after " + b.length + " of " + n + " bytes: " + new String(b));
        }
        return b;
    }

    static String exchange(Socket s, String msg) throws IOException {
        s.getOutputStream().write(msg.getBytes());
        return new String(read(s, msg.length()));
    }

    /** Waits until the peer closes: true when EOF (or reset) arrives within the socket timeout. */
    static boolean closedByPeer(Socket s) {
        try {
            byte[] buf = new byte[256];
            while (true) {
                int n = s.getInputStream().read(buf);
                if (n < 0) {
                    return true;
                }
                if (n == 0) {
                    return false;
                }
                if (Arrays.equals(buf, new byte[256])) {
                    continue;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The fd the server gave to client socket {@code c} (waiting up to 5 s for its accept), or -1. */
    static int fdOf(Server server, Socket c) throws InterruptedException {
        int[] fd = {-1};
        eventually(() -> {
            for (int f : server.getClientList(0, 100)) {
                if (server.getClientInfo(f).map(i -> i.remotePort() == c.getLocalPort()).orElse(false)) {
                    fd[0] = f;
                    return true;
                }
            }
            return false;
        });
        return fd[0];
    }

    /** Polls {@code cond} every 5 ms for up to 5 s. */
    static boolean eventually(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return cond.getAsBoolean();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        assertThat(server.awaitStopped(15, TimeUnit.SECONDS)).as("server stopped").isTrue();
        thread.join(5000);
    }
}
