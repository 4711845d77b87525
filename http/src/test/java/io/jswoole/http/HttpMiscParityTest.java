package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_http_server/event_stream.phpt}, {@code tmp-content-type.phpt},
 * {@code data_parse.phpt} and {@code server_addr.phpt} on jswoole's {@link HttpServer}, in every mode.
 */
class HttpMiscParityTest {
    @TempDir
    static Path dir;

    static final class Handlers implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                switch (req.path()) {
                    case "/events" -> {
                        res.header("Content-Type", "text/event-stream");
                        res.header("Cache-Control", "no-cache");
                        res.header("X-Accel-Buffering", "no");
                        for (int i = 0; i < 32; i++) {
                            res.write("data: " + i + "\n\n");
                        }
                        res.write("data: [DONE]\n\n");
                        res.end();
                    }
                    case "/type" -> {
                        UploadedFile f = req.files().get("file");
                        res.end(f.name() + " " + f.type());
                    }
                    case "/server" -> {
                        Map<String, Object> s = req.server();
                        res.status(200, "status");
                        res.end(s.get("remote_addr") + " " + s.get("server_port") + " " + s.get("remote_port") + " "
                                + s.get("server_addr"));
                    }
                    default -> res.end(new TreeMap<>(req.get()) + " " + new TreeMap<>(req.post()));
                }
            });
        }
    }

    /**
     * {@code event_stream.phpt}: a text/event-stream answer of many {@code write()}s goes out chunked (no
     * Content-Length), every event whole and in order. {@code tmp-content-type.phpt}: an uploaded part's own
     * Content-Type is the file's type. {@code data_parse.phpt}: 50 random query parameters and 100 random form
     * fields, url-encoded or multipart, come back as sent. {@code server_addr.phpt}: {@code status(200, "status")}
     * sets the reason phrase; remote_addr, server_port, remote_port and server_addr describe the connection (a
     * server on 0.0.0.0 reached on another address: {@code HttpTransportParityTest}).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void streamsFormsAndAddressesAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Handlers.class, p))) {
            String sse = Running.curl("-i", "-N", r.url("/events"));
            assertThat(sse).containsIgnoringCase("content-type: text/event-stream")
                    .containsIgnoringCase("transfer-encoding: chunked").doesNotContainIgnoringCase("content-length");
            StringBuilder events = new StringBuilder();
            for (int i = 0; i < 32; i++) {
                events.append("data: ").append(i).append("\n\n");
            }
            assertThat(sse).endsWith(events + "data: [DONE]\n\n");

            Path script = dir.resolve("script.php");
            Files.writeString(script, "<?php echo 1;");
            assertThat(Running.curl("-F", "file=@" + script + ";type=application/php-script", r.url("/type")))
                    .isEqualTo("script.php application/php-script");

            Random rnd = new Random(11);
            for (boolean multipart : new boolean[] {false, true}) {
                Map<String, String> get = random(rnd, 50);
                Map<String, String> post = random(rnd, 100);
                String query = form(get);
                String body;
                String type;
                if (multipart) {
                    String boundary = "++++" + Long.toHexString(rnd.nextLong());
                    StringBuilder b = new StringBuilder();
                    post.forEach((k, v) -> b.append("--").append(boundary).append("\r\nContent-Disposition: ")
                            .append("form-data; name=\"").append(k).append("\"\r\n\r\n").append(v).append("\r\n"));
                    body = b.append("--").append(boundary).append("--\r\n").toString();
                    type = "multipart/form-data; boundary=" + boundary;
                } else {
                    body = form(post);
                    type = "application/x-www-form-urlencoded";
                }
                String out = r.exchangeUntilClose("POST /?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                        + "close\r\nContent-Type: " + type + "\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
                assertThat(out.substring(out.indexOf("\r\n\r\n") + 4)).as(type)
                        .isEqualTo(new TreeMap<>(get) + " " + new TreeMap<>(post));
            }

            try (Socket s = r.connect()) {
                s.getOutputStream().write("GET /server HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                String out = Running.readUntilClose(s);
                assertThat(out).startsWith("HTTP/1.1 200 status\r\n")
                        .endsWith("\r\n\r\n127.0.0.1 " + r.port() + " " + s.getLocalPort() + " 127.0.0.1");
            }
        }
    }

    /** {@code n} random keys of 1-32 and values of 0-64 characters (data_parse.phpt's getRandomData). */
    static Map<String, String> random(Random rnd, int n) {
        Map<String, String> m = new LinkedHashMap<>();
        while (m.size() < n) {
            m.put(chars(rnd, 1 + rnd.nextInt(32)), chars(rnd, rnd.nextInt(65)));
        }
        return m;
    }

    private static String chars(Random rnd, int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    static String form(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }
}
