package io.jswoole.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jswoole.coroutine.Coroutine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real JDK {@link HttpServer}. */
class HttpClientTest {
    private HttpServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/hello", ex -> {
            ex.getResponseHeaders().add("Set-Cookie", "sid=abc; Path=/");
            reply(ex, 200, "hello " + ex.getRequestHeaders().getFirst("X-Name") + " cookie="
                    + ex.getRequestHeaders().getFirst("Cookie"));
        });
        server.createContext("/echo", ex -> reply(ex, 201, ex.getRequestMethod() + " "
                + ex.getRequestHeaders().getFirst("Content-Type") + "\n"
                + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        server.createContext("/port", ex -> reply(ex, 200, String.valueOf(ex.getRemoteAddress().getPort())));
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "late");
        });
        server.createContext("/file", ex -> {
            String range = ex.getRequestHeaders().getFirst("Range");
            String all = "0123456789";
            if (range != null) {
                int from = Integer.parseInt(range.replaceAll("[^0-9]", ""));
                reply(ex, 206, all.substring(from));
            } else {
                reply(ex, 200, all);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Test
    void getWithHeadersAndCookies() {
        Coroutine.run(() -> {
            try (HttpClient c = new HttpClient("127.0.0.1", port)) {
                c.setHeaders(Map.of("X-Name", "jswoole"));
                c.setCookies(Map.of("a", "1"));
                assertThat(c.get("/hello")).isTrue();
                assertThat(c.getStatusCode()).isEqualTo(200);
                assertThat(c.body()).isEqualTo("hello jswoole cookie=a=1");
                assertThat(c.getCookies()).containsEntry("sid", "abc");
                assertThat(c.getHeaders()).containsKey("content-length");
            }
        });
    }

    @Test
    void postRawFormAndMultipart() throws IOException {
        Path file = Files.createTempFile("up", ".txt");
        Files.writeString(file, "file content");
        Coroutine.run(() -> {
            try (HttpClient c = new HttpClient("127.0.0.1", port)) {
                assertThat(c.post("/echo", "raw".getBytes())).isTrue();
                assertThat(c.getStatusCode()).isEqualTo(201);
                assertThat(c.body()).isEqualTo("POST null\nraw");
                c.post("/echo", Map.of("a", "1 2"));
                assertThat(c.body()).isEqualTo("POST application/x-www-form-urlencoded\na=1+2");
                c.setHeaders(Map.of());
                c.addFile(file.toString(), "upload", "text/plain", "notes.txt");
                c.addData("inline".getBytes(), "second", "application/octet-stream", "b.bin");
                c.post("/echo", Map.of("field", "value"));
                String body = c.body();
                assertThat(body).startsWith("POST multipart/form-data; boundary=");
                assertThat(body).contains("name=\"upload\"", "filename=\"notes.txt\"", "file content",
                        "name=\"second\"", "inline", "name=\"field\"", "value");
            }
        });
        Files.deleteIfExists(file);
    }

    @Test
    void keepAliveReusesTheConnectionUnlessDisabled() {
        Coroutine.run(() -> {
            try (HttpClient c = new HttpClient("127.0.0.1", port)) {
                c.get("/port");
                String first = c.body();
                c.get("/port");
                assertThat(c.body()).isEqualTo(first);
            }
            try (HttpClient c = new HttpClient("127.0.0.1", port)) {
                c.set(Map.of("keep_alive", false));
                c.get("/port");
                String first = c.body();
                c.get("/port");
                assertThat(c.body()).isNotEqualTo(first);
            }
        });
    }

    @Test
    void timeoutRefusedAndParallelRequests() {
        Coroutine.run(() -> {
            try (HttpClient c = new HttpClient("127.0.0.1", port)) {
                c.set(Map.of("timeout", 0.1));
                assertThat(c.get("/slow")).isFalse();
                assertThat(c.getStatusCode()).isEqualTo(-2);
                assertThat(c.errCode()).isEqualTo(Client.ETIMEDOUT);
            }
            try (HttpClient c = new HttpClient("127.0.0.1", 1)) {
                assertThat(c.get("/")).isFalse();
                assertThat(c.getStatusCode()).isEqualTo(-1);
            }
            // 5 slow requests from 5 coroutines of one scheduler overlap
            long t0 = System.nanoTime();
            io.jswoole.coroutine.Coroutines.parallel(5, () -> {
                try (HttpClient c = new HttpClient("127.0.0.1", port)) {
                    assertThat(c.get("/slow")).isTrue();
                }
            });
            assertThat((System.nanoTime() - t0) / 1e6).isLessThan(1500);
        });
    }

    @Test
    void downloadWithAndWithoutOffset() throws IOException {
        Path out = Files.createTempFile("down", ".bin");
        Coroutine.run(() -> {
            try (HttpClient c = new HttpClient("127.0.0.1", port)) {
                assertThat(c.download("/file", out.toString(), 0)).isTrue();
                assertThat(c.getStatusCode()).isEqualTo(200);
                Files.writeString(out, "0123xx");
                assertThat(c.download("/file", out.toString(), 4)).isTrue();
                assertThat(c.getStatusCode()).isEqualTo(206);
                assertThat(Files.readString(out)).isEqualTo("0123456789");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Files.deleteIfExists(out);
    }
}
