package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server started on a background thread for one test, with raw-socket and curl helpers; closing it shuts the
 * server down and waits. The one harness of the server, http, redis and examples tests (the server module's
 * test-jar), in every mode: build the server with a {@link Recipe} to run it in PROCESS mode too.
 */
public final class Running implements AutoCloseable {
    public final Server server;
    private final Thread thread;

    private Running(Server server) {
        this.server = server;
        this.thread = Thread.ofPlatform().name("test-server").start(server::start);
    }

    public static Running start(Server server) throws InterruptedException {
        Running r = new Running(server);
        assertThat(server.awaitStarted(10, TimeUnit.SECONDS)).as("server started").isTrue();
        return r;
    }

    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:port} and {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public Socket connect() throws IOException {
        return connect(port());
    }

    public static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(5000);
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** Reads exactly {@code n} bytes. */
    public static byte[] read(Socket s, int n) throws IOException {
        InputStream in = s.getInputStream();
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new IOException("EOF after " + b.length + " of " + n + " bytes: " + new String(b));
        }
        return b;
    }

    public static String exchange(Socket s, String msg) throws IOException {
        s.getOutputStream().write(msg.getBytes());
        return new String(read(s, msg.length()));
    }

    /** Waits until the peer closes: true when EOF (or reset) arrives within the socket timeout. */
    public static boolean closedByPeer(Socket s) {
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
    public static int fdOf(Server server, Socket c) throws InterruptedException {
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

    /** Sends {@code raw} on a new connection and reads until the server closes it (or 5 s pass). */
    public String exchangeUntilClose(String raw) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            return readUntilClose(s);
        }
    }

    /** Reads until EOF; a timeout ends the read too, marked by a trailing "<timeout>", a reset by "<reset>". */
    public static String readUntilClose(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            out.write("<timeout>".getBytes(StandardCharsets.ISO_8859_1));
        } catch (java.net.SocketException e) {
            out.write("<reset>".getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Runs curl with {@code -sS} and the arguments; returns stdout (stderr on failure goes to the message). */
    public static String curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl " + cmd + ": " + err).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Polls {@code cond} every 5 ms for up to 5 s. */
    public static boolean eventually(java.util.function.BooleanSupplier cond) throws InterruptedException {
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
