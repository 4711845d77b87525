package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server started on a background thread for one test, with curl and raw-socket helpers. */
public final class Served implements AutoCloseable {
    public final Server server;
    private final Thread thread;

    private Served(Server server) {
        this.server = server;
        this.thread = Thread.ofPlatform().name("test-server").start(server::start);
    }

    public static Served start(Server server) throws InterruptedException {
        Served s = new Served(server);
        assertThat(server.awaitStarted(10, TimeUnit.SECONDS)).as("server started").isTrue();
        return s;
    }

    public int port() {
        return server.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
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

    public Socket connect() throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(5000);
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port()), 5000);
        return s;
    }

    /** Sends {@code raw} on a new connection and reads until the server closes it (or 5 s pass). */
    public String exchangeUntilClose(String raw) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            return readUntilClose(s);
        }
    }

    /** Reads until EOF; a timeout ends the read too, marked by a trailing "<timeout>". */
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
