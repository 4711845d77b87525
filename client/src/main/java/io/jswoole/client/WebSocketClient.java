package io.jswoole.client;

import io.jswoole.SwooleException;
import io.jswoole.coroutine.Channel;
import io.jswoole.coroutine.Completion;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket client with Swoole's blocking-style calls ({@code push}, {@code recv}, {@code ping}, {@code close}),
 * built on the JDK's {@link java.net.http.WebSocket}: the JDK does the handshake, framing, masking and answers
 * pings; this class turns its callbacks into frames that {@link #recv} returns one by one, parking only the
 * calling coroutine. Fragmented messages are reassembled. Obtain one from {@link #connect} or
 * {@link io.jswoole.client.HttpClient#upgrade}.
 * <p>{@code wss://}: the server is verified (chain and host name) as by {@link io.jswoole.client.HttpClient},
 * with the {@code ssl_*} keys of {@link ClientTls} passed to {@link #connect(String, Map, double, Map)}.
 */
public final class WebSocketClient implements AutoCloseable {
    public static final int OPCODE_TEXT = 1;
    public static final int OPCODE_BINARY = 2;
    public static final int OPCODE_CLOSE = 8;
    public static final int OPCODE_PING = 9;
    public static final int OPCODE_PONG = 10;

    /** A received frame ({@code Swoole\WebSocket\Frame}); {@code code} and {@code reason} for a close frame. */
    public record Frame(int opcode, byte[] data, int code, String reason) {
        /** The payload as UTF-8 text. */
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private final Channel<Frame> inbox = Channel.external(1024);
    private final java.net.http.HttpClient http;
    private final boolean ownHttp;
    private WebSocket ws;
    private int errCode;
    private String errMsg = "";
    private int statusCode;

    WebSocketClient(java.net.http.HttpClient http, boolean ownHttp) {
        this.http = http;
        this.ownHttp = ownHttp;
    }

    /**
     * Connects to {@code url} ({@code ws://} or {@code wss://}) with extra handshake {@code headers}.
     *
     * @return the client; check {@link #isConnected()}, {@link #errCode()} and {@link #statusCode()}
     */
    public static WebSocketClient connect(String url, Map<String, String> headers, double timeout) {
        return connect(url, headers, timeout, Map.of());
    }

    /**
     * {@link #connect(String, Map, double)} with TLS settings for {@code wss://} ({@code ssl_verify_peer},
     * {@code ssl_host_name}, {@code ssl_cafile}... as {@link io.jswoole.client.HttpClient}).
     *
     * @throws IllegalArgumentException naming a setting that is refused or does not load (any for {@code ws://})
     */
    public static WebSocketClient connect(String url, Map<String, String> headers, double timeout,
            Map<String, ?> settings) {
        URI uri = URI.create(url);
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        String name = ClientTls.nameFor(settings, uri.getHost(), url);
        ClientTls tls = ClientTls.of(settings, secure, name, url);
        var b = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1);
        if (secure) {
            b.sslContext(tls.context()).sslParameters(tls.parameters(tls.hostName()));
        }
        WebSocketClient c = new WebSocketClient(b.build(), true);
        c.open(uri, headers, timeout);
        return c;
    }

    boolean open(URI uri, Map<String, String> headers, double timeout) {
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (timeout > 0) {
            b.connectTimeout(Duration.ofMillis((long) (timeout * 1000)));
        }
        headers.forEach(b::header);
        try {
            ws = await(b.buildAsync(uri, new Listener()), timeout);
            statusCode = 101;
            return true;
        } catch (CompletionException e) {
            int tls = ClientTls.code(e.getCause());
            errCode = tls != 0 ? tls : Client.ECONNREFUSED;
            errMsg = tls != 0 ? ClientTls.message(tls, e.getCause()) : String.valueOf(e.getCause().getMessage());
            statusCode = e.getCause() instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : -1;
            return false;
        } catch (SwooleException e) {
            errCode = Client.ETIMEDOUT;
            errMsg = "Connection timed out";
            statusCode = -1;
            return false;
        }
    }

    private static <T> T await(CompletableFuture<T> f, double timeout) {
        Completion<T> c = new Completion<>();
        f.whenComplete((v, e) -> {
            if (e != null) {
                c.fail(e instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : e);
            } else {
                c.complete(v);
            }
        });
        try {
            return c.await(timeout);
        } catch (SwooleException e) {
            f.cancel(true);
            throw e;
        }
    }

    /** Sends a text message; false when not connected or the send failed. */
    public boolean push(String text) {
        return send(() -> ws.sendText(text, true));
    }

    /** Sends a binary message. */
    public boolean push(byte[] data) {
        return send(() -> ws.sendBinary(ByteBuffer.wrap(data), true));
    }

    /** Sends a ping; the pong comes back through {@link #recv} as an {@link #OPCODE_PONG} frame. */
    public boolean ping(byte[] payload) {
        return send(() -> ws.sendPing(ByteBuffer.wrap(payload)));
    }

    private boolean send(java.util.function.Supplier<CompletableFuture<WebSocket>> op) {
        if (!isConnected()) {
            errCode = Client.ENOTCONN;
            return false;
        }
        try {
            await(op.get(), 30);
            return true;
        } catch (RuntimeException e) {
            errCode = Client.EPIPE;
            return false;
        }
    }

    /**
     * The next frame (text, binary, pong or close), waiting up to {@code timeout} seconds (negative: forever);
     * {@code null} on timeout, cancel, or once closed and drained.
     */
    public Frame recv(double timeout) {
        Frame f = inbox.pop(timeout);
        if (f == null) {
            errCode = inbox.errCode() == Channel.CHANNEL_TIMEOUT ? Client.ETIMEDOUT
                    : inbox.errCode() == Channel.CHANNEL_CANCELED ? Client.ECANCELED : Client.ENOTCONN;
        }
        return f;
    }

    /** Sends a close frame (1000) and waits for the JDK to send it. */
    @Override
    public void close() {
        close(WebSocket.NORMAL_CLOSURE, "");
    }

    /** Sends a close frame with {@code code} and {@code reason}; false when not connected. */
    public boolean close(int code, String reason) {
        boolean ok = isConnected() && send(() -> ws.sendClose(code, reason));
        if (ws != null) {
            ws.abort();
        }
        inbox.close();
        if (ownHttp) {
            http.close();
        }
        return ok;
    }

    public boolean isConnected() {
        return ws != null && !ws.isOutputClosed();
    }

    /** The last error (errno style, as {@link Client}). */
    public int errCode() {
        return errCode;
    }

    /** Text of the last connect error ({@link Client#SSL_VERIFY_FAILED}'s reason...); empty when none. */
    public String errMsg() {
        return errMsg;
    }

    /** 101 after a successful handshake, the server's status when it refused, -1 when unreachable. */
    public int statusCode() {
        return statusCode;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                deliver(new Frame(OPCODE_TEXT, text.toString().getBytes(StandardCharsets.UTF_8), 0, ""));
                text.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                deliver(new Frame(OPCODE_BINARY, binary.toByteArray(), 0, ""));
                binary.reset();
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket w, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            deliver(new Frame(OPCODE_PONG, b, 0, ""));
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            deliver(new Frame(OPCODE_CLOSE, new byte[0], code, reason));
            inbox.close();
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            inbox.close();
        }

        private void deliver(Frame f) {
            inbox.push(f, 5);
        }
    }
}
