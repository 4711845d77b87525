package io.jswoole.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (the JDK's) on one node: {@link #ask} sends a {@link NodeApp} command and returns its
 * answer; {@link #next} returns the next message pushed to this client (not an answer).
 */
final class WsClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final WebSocket ws;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    final BlockingQueue<String> pushed = new LinkedBlockingQueue<>();

    WsClient(int port) throws Exception {
        this("127.0.0.1", port);
    }

    /** On a node listening on {@code host} (one in a network namespace, {@link Netns}). */
    WsClient(String host, int port) throws Exception {
        ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://" + host + ":" + port + "/"),
                new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            String m = text.toString();
                            text.setLength(0);
                            (m.startsWith("= ") ? answers : pushed).add(m.startsWith("= ") ? m.substring(2) : m);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    String ask(String command) throws Exception {
        ws.sendText(command, true).get(5, TimeUnit.SECONDS);
        String a = answers.poll(10, TimeUnit.SECONDS);
        if (a == null) {
            throw new AssertionError("no answer to '" + command + "'");
        }
        return a;
    }

    /** The next pushed message, or null after 5 s. */
    String next() throws InterruptedException {
        return pushed.poll(5, TimeUnit.SECONDS);
    }

    /** Whether nothing more is pushed within {@code millis}. */
    boolean quietFor(long millis) throws InterruptedException {
        return pushed.poll(millis, TimeUnit.MILLISECONDS) == null;
    }

    @Override
    public void close() {
        ws.abort();
    }
}
