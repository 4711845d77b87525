package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_http_server/*.phpt} about headers, cookies, chunked bodies and compression, on
 * jswoole's {@link HttpServer} with curl as the client, in every mode (in PROCESS mode the response crosses from a
 * worker JVM). Each method's Javadoc names the {@code .phpt} files it ports.
 */
class HttpHeadersParityTest {
    /** Swoole's TEST_IMAGE is a 218,787-byte JPEG; a deterministic blob of that size stands for it. */
    static final byte[] IMAGE = blob(218_787);

    static byte[] blob(int n) {
        byte[] b = new byte[n];
        new Random(218_787).nextBytes(b);
        return b;
    }

    /** The handlers of the .phpt files, one path each. */
    static final class Handlers implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                switch (req.path()) {
                    case "/chunk" -> {
                        for (int i = 0; i < IMAGE.length; i += 8192) {
                            probe.add("write " + res.write(java.util.Arrays.copyOfRange(IMAGE, i,
                                    Math.min(IMAGE.length, i + 8192))));
                        }
                        probe.add("end " + res.end());
                    }
                    case "/chunk-end" -> {
                        int last = (IMAGE.length - 1) / 8192 * 8192;
                        for (int i = 0; i < last; i += 8192) {
                            res.write(java.util.Arrays.copyOfRange(IMAGE, i, i + 8192));
                        }
                        res.end(java.util.Arrays.copyOfRange(IMAGE, last, IMAGE.length));
                    }
                    case "/duplicate" -> {
                        try {
                            res.header("Test-Crlf", "a\r\n");
                        } catch (IllegalArgumentException e) {
                            probe.add("crlf refused");
                        }
                        res.header("content-length", "11 ");
                        res.header("Test-Value", List.of("b1234 ", "d5678", "5678", "3.1415926"));
                        probe.add("headers " + req.headers("x-test-header1") + req.headers("x-test-header2")
                                + req.headers("x-test-header3"));
                        res.end("hello world");
                    }
                    case "/length" -> {
                        res.header("Content-Type", "application/json");
                        res.header("Content-Length", "50");
                        res.end("a".repeat(100));
                    }
                    case "/unset" -> {
                        res.header("Foo", "Bar");
                        res.status(500);
                        res.header("Foo", List.of());
                        res.header("Bar", "Foo");
                        res.end("just an 500 error for fun\n");
                    }
                    case "/numeric" -> {
                        res.header(String.valueOf(12345), "hello");
                        res.header(String.valueOf(12345.678), "world");
                        res.end("OK");
                    }
                    case "/cookies" -> res.end(new TreeMap<>(req.cookie()).toString());
                    case "/cookie-delete" -> {
                        res.cookie("cookie1", null);
                        res.cookie("cookie2", "");
                        res.cookie("cookie3", "cookie3", 0, "", "", false, false, "", "", false);
                        res.cookie("cookie4", "cookie4", -1, "", "", false, false, "", "", false);
                        res.cookie("cookie5", "cookie5", 1, "", "", false, false, "", "", false);
                        res.cookie("cookie6", null, 0, "", "", false, false, "", "", false);
                        res.cookie("cookie7", null, -1, "", "", false, false, "", "", false);
                        res.cookie("cookie8", null, 1, "", "", false, false, "", "", false);
                        res.end();
                    }
                    case "/cookie-raw" -> {
                        String c = req.get().get("cookie");
                        res.cookie("cookie", c);
                        res.rawcookie("rawcookie", URLEncoder.encode(c, StandardCharsets.UTF_8));
                        res.end();
                    }
                    case "/rawcookie" -> {
                        res.cookie("name", "value", 0, "/", "", false, true, "", "", false);
                        res.rawcookie("rawcontent", req.getContent());
                        res.cookie("a", "123", 0, "", "", false, false, "Lax", "", false);
                        res.end("Hello World!");
                    }
                    case "/text" -> {
                        int bytes = Integer.parseInt(req.get().getOrDefault("bytes", "20000"));
                        if (req.get().containsKey("off")) {
                            res.header("Content-Encoding", "");
                        }
                        res.end(text(bytes));
                    }
                    default -> res.end("hello world");
                }
            });
        }
    }

    /** Text that compresses (Swoole's .phpt send its README.md). */
    static String text(int n) {
        StringBuilder b = new StringBuilder(n);
        Random r = new Random(n);
        while (b.length() < n) {
            b.append("swoole jswoole coroutine ").append(r.nextInt(1000)).append('\n');
        }
        return b.substring(0, n);
    }

    /**
     * {@code chunk.phpt}: 8 KiB {@code write()}s then {@code end()} deliver the file whole (each call true).
     * {@code chunk_with_end_data.phpt}: the last piece given to {@code end()}. {@code duplicate_header.phpt}:
     * repeated request headers are all kept, in order; a header set with a list goes out once per value, values
     * trimmed, Content-Length "11 " as 11 (jswoole refuses a CR or LF in a value with IllegalArgumentException where
     * Swoole strips it: header injection is refused, a deviation). {@code set_content_length.phpt}: Swoole sends
     * the handler's Content-Length 50 before a 100-byte body; jswoole sends the body's length (a deviation). {@code unset_response_header.phpt}: a header removed after being set is not sent, the
     * status stays. {@code numeric_header_name.phpt}: the names 12345 and 12345.678.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void chunksAndHeadersAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Handlers.class, p))) {
            assertThat(md5(curlBytes(r.url("/chunk")))).isEqualTo(md5(IMAGE));
            assertThat(Running.eventually(() -> p.count("end true") == 1)).isTrue();
            assertThat(p.count("write true")).isEqualTo((IMAGE.length + 8191) / 8192);
            assertThat(p.events()).allMatch(e -> e.startsWith("write") ? e.endsWith("true") : true);
            assertThat(md5(curlBytes(r.url("/chunk-end")))).isEqualTo(md5(IMAGE));

            String dup = Running.curl("-i", "-H", "X-Test-Header1: value1", "-H", "X-Test-Header2: value2", "-H",
                    "X-Test-Header2: value3", "-H", "X-Test-Header3: value4", "-H", "X-Test-Header3: value5", "-H",
                    "X-Test-Header3: value6", r.url("/duplicate"));
            assertThat(dup).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 11\r\n")
                    .contains("Test-Value: b1234\r\nTest-Value: d5678\r\nTest-Value: 5678\r\n"
                            + "Test-Value: 3.1415926\r\n")
                    .endsWith("\r\n\r\nhello world");
            assertThat(p.events()).contains("headers [value1][value2, value3][value4, value5, value6]",
                    "crlf refused");
            assertThat(dup).doesNotContain("Test-Crlf");

            // Swoole sends the handler's 50 before 100 bytes; jswoole the body's length (a deviation: a mismatch
            // would desynchronise a keep-alive connection)
            String length = Running.curl("-s", "-D", "-", r.url("/length"));
            assertThat(length).contains("Content-Length: 100\r\n").endsWith("\r\n\r\n" + "a".repeat(100));

            String unset = Running.curl("-i", r.url("/unset"));
            assertThat(unset).startsWith("HTTP/1.1 500").doesNotContainIgnoringCase("foo: bar")
                    .containsIgnoringCase("bar: Foo").endsWith("just an 500 error for fun\n");

            String numeric = Running.curl("-i", r.url("/numeric"));
            assertThat(numeric).contains("12345: hello\r\n").contains("12345.678: world\r\n").endsWith("OK");
        }
    }

    /**
     * {@code cookies.phpt}: eighteen cookies of one Cookie header (values with '/', '=', ',', '|') reach
     * {@code cookie()} as sent. {@code cookie_delete.phpt}: a null or empty value deletes the cookie; an expiry of 0
     * or below is a session cookie, one of 1 is the epoch with Max-Age=0. {@code cookie_vs_rawcookie.phpt}:
     * {@code cookie()} URL-encodes, {@code rawcookie()} sends as given (jswoole encodes a space as %20 where
     * Swoole's php_url_encode writes '+', a deviation: '+' is not decoded by browsers' decodeURIComponent; both
     * come back decoded in {@code cookie()}). {@code rawCookie.phpt}: path and HttpOnly, and the raw body as a
     * raw cookie. {@code cookie_samesite.phpt}: {@code SameSite=Lax}.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void cookiesAsSwoole(Mode mode) throws Exception {
        Map<String, String> cookies = new LinkedHashMap<>();
        cookies.put("8MLP_5753_saltkey", "RSU8HYED");
        cookies.put("8MLP_5753_lastvisit", "1426120671");
        cookies.put("attentiondomain", "2z.cn,chinaz.com,kuaishang.cn,cxpcms.com");
        cookies.put("8MLP_5753_security_cookiereport", "c014Hgufskpv55xgM9UaB/ZZdMrcN0QqBYdcGomTu8OlTDWzTA0z");
        cookies.put("mytool_user", "uSHVgCUFWf5Sv2Y8tKytQRUJW3wMVT3rw5xQLNGQFIsod4C6vYWeGA==");
        cookies.put("PHPSESSID", "t3hp9h4o8rb3956t5pajnsfab1");
        cookies.put("8MLP_5753_st_p", "1024432|1428040399|f7599ba9053aa27e12e9e597a4c372ce");
        cookies.put("8MLP_5753_forum_lastvisit", "D_140_1427103032D_165_1427427405D_168_1427870172");
        cookies.put("cmstop_page-view-mode", "view");
        cookies.put("cmstop_auth", "Jcn2qzVn9nsjqtodER9OphcW3PURDWNx6mO7j0Zbb9k=");
        cookies.put("Hm_lvt_aecc9715b0f5d5f7f34fba48a3c511d6", "1427967317,1428021376,1428036617,1428040224");
        cookies.put("YjVmNm_timeout", "0");
        StringBuilder header = new StringBuilder();
        cookies.forEach((k, v) -> header.append(k).append('=').append(v).append("; "));
        header.append("end=1");
        cookies.put("end", "1");
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Handlers.class, p))) {
            assertThat(Running.curl("-H", "Cookie: " + header, r.url("/cookies")))
                    .isEqualTo(new TreeMap<>(cookies).toString());

            assertThat(setCookies(Running.curl("-s", "-D", "-", "-o", "/dev/null", r.url("/cookie-delete"))))
                    .containsExactly(
                            "cookie1=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0",
                            "cookie2=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0",
                            "cookie3=cookie3",
                            "cookie4=cookie4",
                            "cookie5=cookie5; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0",
                            "cookie6=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0",
                            "cookie7=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0",
                            "cookie8=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0");

            String raw = "123_,; abc";
            String encoded = URLEncoder.encode(raw, StandardCharsets.UTF_8);
            assertThat(setCookies(Running.curl("-s", "-D", "-", "-o", "/dev/null",
                    r.url("/cookie-raw?cookie=" + encoded))))
                    .containsExactly("cookie=" + encoded.replace("+", "%20"), "rawcookie=" + encoded);

            String rc = Running.curl("-s", "-D", "-", "--data-binary", "HELLO", r.url("/rawcookie"));
            assertThat(setCookies(rc)).containsExactly("name=value; path=/; HttpOnly", "rawcontent=HELLO",
                    "a=123; SameSite=Lax");
            assertThat(rc).endsWith("Hello World!");
        }
    }

    /**
     * {@code compression.phpt} (gzip at {@code http_gzip_level} 9, the body whole after decoding),
     * {@code compression_min_length.phpt} (128 bytes compressed, 127 not), {@code disable_compression.phpt}
     * (an empty Content-Encoding set by the handler turns it off), {@code accept_encoding.phpt} (the encoding
     * chosen is the one asked for: gzip, deflate; br and zstd are not offered by jswoole, so none, which the .phpt
     * accepts) and {@code no_compression.phpt} ({@code http_compression} false).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void compressionAsSwoole(Mode mode) throws Exception {
        String body = text(20000);
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "http_gzip_level", 9, "http_compression", true, "compression_min_length", 128), Handlers.class,
                p))) {
            assertThat(Running.curl("--compressed", r.url("/text"))).isEqualTo(body);
            assertThat(encoding(r, "gzip", "/text?bytes=128")).isEqualTo("gzip");
            assertThat(encoding(r, "gzip", "/text?bytes=127")).isEmpty();
            assertThat(encoding(r, "gzip", "/text?off=1")).isEmpty();
            assertThat(Running.curl("--compressed", r.url("/text?off=1"))).isEqualTo(body);
            assertThat(encoding(r, "gzip", "/text")).isEqualTo("gzip");
            assertThat(encoding(r, "deflate", "/text")).isEqualTo("deflate");
            assertThat(encoding(r, "br", "/text")).isEmpty();
            assertThat(encoding(r, "zstd", "/text")).isEmpty();
        }
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "http_compression", false), Handlers.class, p))) {
            assertThat(encoding(r, "gzip", "/text")).isEmpty();
            assertThat(Running.curl(r.url("/text"))).isEqualTo(body);
        }
    }

    /** The Content-Encoding of the answer to {@code path} with {@code Accept-Encoding: accept} ("" for none). */
    private static String encoding(Running r, String accept, String path) throws Exception {
        String head = Running.curl("-s", "-D", "-", "-o", "/dev/null", "-H", "Accept-Encoding: " + accept,
                r.url(path));
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-encoding:")) {
                return line.substring(17).trim();
            }
        }
        return "";
    }

    static List<String> setCookies(String head) {
        List<String> out = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Set-Cookie: ", 0, 12)) {
                out.add(line.substring(12));
            }
        }
        return out;
    }

    /** curl's body as bytes. */
    static byte[] curlBytes(String url) throws Exception {
        Process pr = new ProcessBuilder("curl", "-sS", "--max-time", "10", url).start();
        byte[] out = pr.getInputStream().readAllBytes();
        assertThat(pr.waitFor()).isZero();
        return out;
    }

    static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }
}
