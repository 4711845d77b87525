package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_http_server/*.phpt} about what a response carries: which types are compressed,
 * a body the handler compressed itself, Content-Length beside compression and chunks, the default headers, cookie
 * values full of special characters, raw bytes after an event-stream head, the compression level, and the output
 * buffer cap. Each method's Javadoc names the {@code .phpt} files it ports.
 */
class HttpResponseParityTest {
    /** bug_4857.phpt's body: 11 characters, 33 bytes of UTF-8. */
    static final String STARS = "宛如繁星般，宛如皎月般";
    static final String SPECIAL = "!#$&'()*+/:;=?@{}『』";

    static final class Handlers implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                int bytes = Integer.parseInt(req.get().getOrDefault("bytes", "0"));
                switch (req.path()) {
                    case "/html" -> res.end("A".repeat(bytes));
                    case "/json" -> {
                        res.header("Content-Type", "application/json");
                        res.end("B".repeat(bytes));
                    }
                    case "/raw" -> {
                        res.header("Content-Type", "text/raw");
                        res.end("C".repeat(bytes));
                    }
                    case "/gzipped" -> {
                        res.header("Content-Encoding", "gzip");
                        res.end(gzip(HttpHeadersParityTest.IMAGE));
                    }
                    case "/4857" -> {
                        if (req.get().containsKey("normal")) {
                            res.header("Content-Length", String.valueOf(STARS.length()));
                            res.end(STARS);
                        } else if (req.get().containsKey("encoding")) {
                            res.header("Content-Length", "1000");
                            res.end(STARS);
                        } else {
                            res.header("Content-Length", "100");
                            res.write(STARS);
                            res.end();
                        }
                    }
                    case "/status" -> {
                        res.status(200, "status");
                        res.end("Hello World");
                    }
                    case "/cookies" -> res.end(new java.util.TreeMap<>(req.cookie()).toString());
                    case "/special" -> {
                        int i = Integer.parseInt(req.get().get("i"));
                        if (i > 0 && !special(i - 1).equals(req.cookie().get("foo"))) {
                            probe.add("cookie " + (i - 1) + " came back as " + req.cookie().get("foo"));
                        }
                        res.cookie("foo", special(i), System.currentTimeMillis() / 1000 + 60 * 30, "/", "", false,
                                false, "", "", false);
                        res.end();
                    }
                    case "/stream" -> {
                        res.header("Content-Type", "text/event-stream");
                        res.header("Cache-Control", "no-cache");
                        res.header("Connection", "keep-alive");
                        res.header("X-Accel-Buffering", "no");
                        res.header("Content-Encoding", "");
                        res.header("Content-Length", "");
                        res.end();
                        Coroutine.sleep(0.05);
                        for (int n = 0; n < 32; n++) {
                            Coroutine.sleep(0.01);
                            server.send(res.fd(), event(n).getBytes(StandardCharsets.ISO_8859_1));
                        }
                    }
                    case "/big" -> {
                        boolean ok = res.end("A".repeat(bytes));
                        probe.add("end " + ok + " " + io.jswoole.LastError.get());
                        if (!ok) {
                            res.status(500);
                            res.end("too large");
                        }
                    }
                    case "/6007" -> {
                        res.cookie("userId", "", System.currentTimeMillis() / 1000 - 84600, "/", "my.web.site",
                                false, true, "", "", true);
                        res.end();
                    }
                    case "/level" -> res.end(HttpHeadersParityTest.text(256).repeat(1024));
                    default -> res.end("hello");
                }
            });
        }
    }

    /** The cookie value of request {@code i} of too_many_special_chars_in_cookie.phpt: 128-1024 special characters. */
    static String special(int i) {
        Random rnd = new Random(i);
        List<Character> chars = new ArrayList<>();
        for (int k = (128 + rnd.nextInt(897)) / SPECIAL.length(); k-- > 0;) {
            for (char c : SPECIAL.toCharArray()) {
                chars.add(c);
            }
        }
        Collections.shuffle(chars, rnd);
        StringBuilder b = new StringBuilder();
        chars.forEach(b::append);
        return b.toString();
    }

    static String event(int n) {
        byte[] b = new byte[16 + new Random(n).nextInt(113)];
        new Random(n).nextBytes(b);
        return "data: " + java.util.Base64.getEncoder().encodeToString(b) + "\n\n";
    }

    static byte[] gzip(byte[] b) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(b);
            }
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * {@code compression_types.phpt}: with {@code http_compression_types} text/html and application/json, 8-64 KiB
     * of either is gzipped and text/raw is not. {@code client_compress.phpt}: a body the handler gzipped itself,
     * with its own {@code Content-Encoding: gzip}, goes out as it is (not compressed again) to a client that asks
     * for br. {@code bug_4857.phpt}: a handler's Content-Length beside compression becomes the compressed length
     * (no chunked encoding added), and beside {@code write()} it gives way to chunked (server, date, content-type
     * and the framing headers only: Swoole adds {@code Connection: keep-alive}, jswoole leaves HTTP/1.1's default
     * unsaid, a deviation). {@code bug_5107.phpt}: {@code status(200, "status")} sends the
     * default headers and Content-Length 11. {@code bug_6007.phpt}: an empty cookie value with a past expiry,
     * path, domain, HttpOnly and Partitioned is Swoole's deletion line (the .phpt builds it with the
     * {@code Http\Cookie} object; here with {@code cookie(...)}'s arguments). {@code cookies_parse.phpt}: a Cookie header with an attribute-like
     * {@code HttpOnly} part gives three cookies, HttpOnly empty. {@code too_many_special_chars_in_cookie.phpt}: 12
     * cookie values of 128-1024 of {@code !#$&'()*+/:;=?@{}『』} set, read back by the client and sent back arrive
     * as set. {@code event_stream2.phpt}: a head with empty Content-Length and Content-Encoding ended with
     * {@code end()} has neither header and no body, and the handler's {@code send()}s after it reach the client
     * in order (32 events 10 ms apart; the .phpt: 128).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void compressionHeadersCookiesAndStreamsAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "http_compression_types", "text/html,application/json"), Handlers.class, p))) {
            Random rnd = new Random(13);
            for (String path : new String[] {"/html", "/json", "/raw"}) {
                String head = head(r, path + "?bytes=" + (8192 + rnd.nextInt(65536 - 8192)), "gzip");
                assertThat(header(head, "content-encoding")).as(path).isEqualTo(path.equals("/raw") ? "" : "gzip");
            }

            String head = head(r, "/gzipped", "br");
            assertThat(header(head, "content-encoding")).isEqualTo("gzip");
            try (Socket s = r.connect()) {
                s.getOutputStream().write("GET /gzipped HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = s.getInputStream();
                String h = HttpConcurrencyParityTest.head(in);
                byte[] body = in.readNBytes(Integer.parseInt(header(h, "content-length")));
                assertThat(new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes())
                        .isEqualTo(HttpHeadersParityTest.IMAGE);
            }

            // Swoole adds Connection: keep-alive to each; jswoole leaves it out (HTTP/1.1's default, a deviation)
            assertThat(names(head(r, "/4857?encoding=1", "gzip, br"))).containsExactly("content-encoding",
                    "content-length", "content-type", "date", "server");
            assertThat(names(head(r, "/4857", "gzip"))).containsExactly("content-type", "date", "server",
                    "transfer-encoding");
            String normal = head(r, "/4857?normal=1", "gzip");
            assertThat(names(normal)).containsExactly("content-encoding", "content-length", "content-type", "date",
                    "server");
            assertThat(Running.curl("--compressed", r.url("/4857?normal=1"))).isEqualTo(STARS);
            assertThat(Running.curl(r.url("/4857"))).isEqualTo(STARS);

            assertThat(HttpHeadersParityTest.setCookies(head(r, "/6007", null))).containsExactly("userId=deleted; "
                    + "expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0; path=/; domain=my.web.site; HttpOnly; "
                    + "Partitioned");

            String status = head(r, "/status", null);
            assertThat(status).startsWith("HTTP/1.1 200 status\r\n");
            assertThat(names(status)).containsExactly("content-length", "content-type", "date", "server");
            assertThat(header(status, "content-type")).isEqualTo("text/html");
            assertThat(header(status, "content-length")).isEqualTo("11");

            assertThat(Running.curl("-H", "Cookie: PHPSESSID=5359a08f4ddbf825f0e99a3393e5dc9e; HttpOnly; "
                    + "q=URVVma5UgEDm9RmQvBfXs7rCEG9hs9td9CXXmBRQ", r.url("/cookies")))
                    .isEqualTo("{HttpOnly=, PHPSESSID=5359a08f4ddbf825f0e99a3393e5dc9e, "
                            + "q=URVVma5UgEDm9RmQvBfXs7rCEG9hs9td9CXXmBRQ}");

            try (Socket s = r.connect()) {
                String cookie = null;
                for (int i = 0; i < 12; i++) {
                    s.getOutputStream().write(("GET /special?i=" + i + " HTTP/1.1\r\nHost: a\r\n"
                            + (cookie == null ? "" : "Cookie: foo=" + cookie + "\r\n") + "\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                    String h = HttpConcurrencyParityTest.head(s.getInputStream());
                    s.getInputStream().readNBytes(Integer.parseInt(header(h, "content-length")));
                    String set = header(h, "set-cookie");
                    assertThat(set).startsWith("foo=");
                    cookie = set.substring(4, set.indexOf(';'));
                    assertThat(QueryStringDecoder.decodeComponent(cookie, StandardCharsets.UTF_8)).as("cookie " + i)
                            .isEqualTo(special(i));
                }
            }
            assertThat(p.events()).isEmpty();

            try (Socket s = r.connect()) {
                s.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = s.getInputStream();
                String h = HttpConcurrencyParityTest.head(in);
                assertThat(header(h, "content-type")).isEqualTo("text/event-stream");
                assertThat(names(h)).doesNotContain("content-length", "content-encoding", "transfer-encoding");
                StringBuilder events = new StringBuilder();
                for (int n = 0; n < 32; n++) {
                    events.append(event(n));
                }
                byte[] want = events.toString().getBytes(StandardCharsets.ISO_8859_1);
                assertThat(new String(in.readNBytes(want.length), StandardCharsets.ISO_8859_1))
                        .isEqualTo(events.toString());
            }
        }
    }

    /**
     * {@code bug_compression_level.phpt}: 256 KiB of a repeated 256-byte pattern at {@code http_compression_level}
     * 0 to 9, one server each: the Content-Length never grows with the level (bug fixed: level 0, zlib's "store",
     * was refused). One mode: compression runs in the Response, the same code wherever the handler runs (the
     * three-mode ports above compress in every mode).
     */
    @Test
    void aHigherCompressionLevelIsNeverLonger() throws Exception {
        List<Integer> lengths = new ArrayList<>();
        for (int level = 0; level <= 9; level++) {
            try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(Mode.BASE, Map.of("worker_num", 1,
                    "http_compression", true, "http_compression_level", level), Handlers.class, p))) {
                String h = rawHead(r);
                assertThat(header(h, "content-encoding")).isEqualTo("gzip");
                lengths.add(Integer.parseInt(header(h, "content-length")));
            }
        }
        List<Integer> sorted = new ArrayList<>(lengths);
        sorted.sort(Collections.reverseOrder());
        assertThat(lengths).isEqualTo(sorted);
        assertThat(lengths.get(0)).isGreaterThan(256 * 1024).as("level 0 stores");
    }

    /**
     * {@code negative_size_settings.phpt}: a negative {@code compression_min_length} or {@code upload_max_filesize}
     * is refused naming the key (Swoole warns naming it and keeps its default; jswoole's {@code set()} throws, as
     * for every bad value).
     */
    @Test
    void negativeSizesAreRefusedByName() {
        HttpServer s = new HttpServer("127.0.0.1", 0);
        assertThatThrownBy(() -> s.set(Map.of("compression_min_length", -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compression_min_length");
        assertThatThrownBy(() -> s.set(Map.of("upload_max_filesize", -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upload_max_filesize");
    }

    /**
     * {@code buffer_output_size.phpt}: with {@code output_buffer_size} 4 KiB (the alias of
     * {@code buffer_output_size}), 3,840 bytes go out whole and 8 KiB do not. {@code error_1203.phpt}: the
     * {@code end()} of a body over {@code buffer_output_size} is false with last error 1203
     * (SWOOLE_ERROR_DATA_LENGTH_TOO_LARGE); the response is still the handler's to answer (Swoole's client
     * sees the connection reset; here the handler then answers 500). PROCESS, as both .phpt files.
     */
    @Test
    void aBodyOverTheOutputBufferIsRefused() throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(Mode.PROCESS, Map.of("worker_num", 1,
                "http_compression", false, "output_buffer_size", 4096), Handlers.class, p))) {
            assertThat(Running.curl(r.url("/big?bytes=" + (4096 - 256)))).isEqualTo("A".repeat(4096 - 256));
            assertThat(Running.curl("-o", "/dev/null", "-w", "%{http_code}", r.url("/big?bytes=" + (4096 + 4096))))
                    .isEqualTo("500");
            assertThat(Running.eventually(() -> p.count("end false 1203") == 1)).as(p.events().toString()).isTrue();
        }
    }

    /** The head curl gets for {@code path} with {@code Accept-Encoding: accept} (none when null). */
    private static String head(Running r, String path, String accept) throws Exception {
        List<String> args = new ArrayList<>(List.of("-s", "-D", "-", "-o", "/dev/null"));
        if (accept != null) {
            args.addAll(List.of("-H", "Accept-Encoding: " + accept));
        }
        args.add(r.url(path));
        return Running.curl(args.toArray(String[]::new));
    }

    /** bug_compression_level.phpt's request on a raw socket (with a Host): the head of the answer. */
    private static String rawHead(Running r) throws Exception {
        try (Socket s = r.connect()) {
            s.getOutputStream().write("GET /level HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip, deflate, br\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            return HttpConcurrencyParityTest.head(s.getInputStream());
        }
    }

    private static String header(String head, String name) {
        return HttpFilesParityTest.header(head, name);
    }

    /** The header names of a head, lower case, sorted. */
    private static TreeSet<String> names(String head) {
        TreeSet<String> out = new TreeSet<>();
        for (String line : head.split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("HTTP/")) {
                out.add(line.substring(0, c).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
