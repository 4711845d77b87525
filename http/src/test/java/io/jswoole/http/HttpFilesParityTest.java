package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_http_server/*.phpt} about files: the static handler, ranges, If-Modified-Since,
 * index files, {@code sendfile}, {@code redirect} and cookies with an expiry, on jswoole's {@link HttpServer} with
 * curl, in every mode. The document root stands for Swoole's {@code examples/} (a 218,787-byte {@code test.jpg},
 * {@code http/empty.txt}, {@code http/moc.moc}).
 */
class HttpFilesParityTest {
    @TempDir
    static Path root;
    static final byte[] IMAGE = HttpHeadersParityTest.IMAGE;

    @BeforeAll
    static void documentRoot() throws Exception {
        Files.write(root.resolve("test.jpg"), IMAGE);
        Files.createDirectories(root.resolve("http"));
        Files.write(root.resolve("http/empty.txt"), new byte[0]);
        Files.writeString(root.resolve("http/moc.moc"), "mocha test file\n");
        Files.writeString(root.resolve("index.html"), "<h1>index</h1>\n");
        Files.createDirectories(root.resolve("dir1"));
        Files.createDirectories(root.resolve("dir2"));
        Files.writeString(root.resolve("dir2/index.txt"), "dir2 index\n");
        Files.write(root.resolve("empty.bin"), new byte[0]);
        Files.writeString(root.resolve("hello.txt"), "hello swoole");
    }

    /** The handlers of the .phpt files: a dynamic answer, sendfile, redirect and cookies by path. */
    static final class Handlers implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            Mime.add("moc", "application/x-mocha");
            ((HttpServer) server).onRequest((req, res) -> {
                String dir = req.get().getOrDefault("root", "");
                switch (req.path()) {
                    case "/nonexistent" -> res.redirect("/test.jpg");
                    case "/sendfile" -> {
                        res.header("Content-Type", "application/octet-stream");
                        res.header("Content-Disposition", "attachment; filename=recvfile.txt");
                        res.sendfile(dir + "/" + req.get().get("file"));
                    }
                    case "/sendfile-invalid" -> {
                        for (long[] bad : new long[][] {{-1, 0}, {0, -1}}) {
                            try {
                                res.sendfile(dir + "/hello.txt", bad[0], bad[1]);
                                probe.add("accepted");
                            } catch (IllegalArgumentException e) {
                                probe.add("refused");
                            }
                        }
                        res.end("DONE");
                    }
                    case "/sendfile-dir" -> {
                        try {
                            res.sendfile(dir);
                        } catch (IllegalArgumentException e) {
                            probe.add("dir refused");
                            res.status(500);
                            res.end();
                        }
                    }
                    case "/max-age" -> {
                        res.cookie("test", "123456789", System.currentTimeMillis() / 1000 + 3600, "/", "example.com",
                                true, true, "None", "", false);
                        res.cookie("test", "");
                        res.end();
                    }
                    default -> res.end("dynamic request");
                }
            });
        }
    }

    private static Map<String, Object> staticSettings() {
        return Map.of("worker_num", 1, "enable_static_handler", true, "document_root", root.toString(),
                "static_handler_locations", "/static,/", "http_index_files", "index.html,index.txt");
    }

    /**
     * {@code static_handler.phpt}: a file whole, an empty file 200 with an empty body, a MIME type added at run
     * time ({@code swoole_mime_type_add}, here {@code Mime.add}). {@code If_Modified_Since.phpt}: its Last-Modified
     * back as If-Modified-Since is 304 (a confusing {@code -If-Modified-Since} header beside it changes nothing).
     * {@code http_index_files.phpt}: {@code /} is index.html, a directory without an index goes to the handler (bug fixed: 404),
     * one with index.txt serves it. {@code redirect.phpt}: {@code redirect('/test.jpg')} followed by the client
     * ends in the file.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void staticFilesAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, staticSettings(), Handlers.class,
                p))) {
            assertThat(HttpHeadersParityTest.curlBytes(r.url("/test.jpg"))).isEqualTo(IMAGE);
            assertThat(Running.curl("-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                    r.url("/http/empty.txt"))).isEqualTo("200 0");
            String moc = Running.curl("-i", r.url("/http/moc.moc"));
            assertThat(moc).containsIgnoringCase("content-type: application/x-mocha").endsWith("mocha test file\n");

            String lastModified = header(Running.curl("-s", "-D", "-", "-o", "/dev/null", r.url("/test.jpg")),
                    "last-modified");
            assertThat(lastModified).isNotEmpty();
            assertThat(Running.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "-If-Modified-Since: aaaa", "-H",
                    "If-Modified-Since: " + lastModified, r.url("/test.jpg"))).isEqualTo("304");

            assertThat(Running.curl(r.url("/"))).isEqualTo("<h1>index</h1>\n");
            assertThat(Running.curl(r.url("/dir1"))).isEqualTo("dynamic request");
            assertThat(Running.curl(r.url("/dir2"))).isEqualTo("dir2 index\n");

            // with static_handler_locations a missing file under them is 404, as in Swoole
            assertThat(Running.curl("-o", "/dev/null", "-w", "%{http_code}", r.url("/nonexistent"))).isEqualTo("404");
        }
        // redirect.phpt's server: no locations, so a missing file reaches the handler
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_static_handler", true, "document_root", root.toString()), Handlers.class, p))) {
            assertThat(Running.curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                    r.url("/nonexistent"))).isEqualTo("302 " + r.url("/test.jpg"));
            Process follow = new ProcessBuilder("curl", "-sSL", "--max-time", "10", r.url("/nonexistent")).start();
            assertThat(follow.getInputStream().readAllBytes()).isEqualTo(IMAGE);
        }
    }

    /**
     * {@code range.phpt}: single ranges (0-15, 0-, 16-31, -16, 128-) are 206 with Content-Range and no
     * Accept-Ranges (bug fixed: it was sent); two ranges are a multipart/byteranges body; If-Range with the
     * Last-Modified keeps the range (one that is not a date: Swoole keeps it, jswoole sends the whole file), a date before or after gives the whole file (200); HEAD has
     * Accept-Ranges, HEAD with a range is 206 without a body; {@code Range: abc} is ignored, {@code bytes=abc} and
     * {@code bytes=999999} are 416 with an empty body (bug fixed: they were ignored), {@code -999999} is the whole file. {@code range2.phpt}: a
     * {@code -Range} header beside it changes nothing.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void rangesAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, staticSettings(), Handlers.class,
                p))) {
            String url = r.url("/test.jpg");
            int n = IMAGE.length;
            Object[][] singles = {{"bytes=0-15", 0, 15}, {"bytes=0-", 0, n - 1}, {"bytes=16-31", 16, 31},
                    {"bytes=-16", n - 16, n - 1}, {"bytes=128-", 128, n - 1}};
            for (Object[] s : singles) {
                Answer a = get(url, "-H", "Range: " + s[0], "-H", "-Range: none");
                assertThat(a.status).as((String) s[0]).isEqualTo(206);
                assertThat(header(a.head, "content-range")).isEqualTo("bytes " + s[1] + "-" + s[2] + "/" + n);
                assertThat(header(a.head, "accept-ranges")).isEmpty();
                assertThat(a.body).isEqualTo(Arrays.copyOfRange(IMAGE, (int) s[1], (int) s[2] + 1));
            }
            String lastModified = header(get(url).head, "last-modified");
            Answer multi = get(url, "-H", "Range: bytes=0-15,32-63");
            assertThat(multi.status).isEqualTo(206);
            assertThat(header(multi.head, "content-range")).isEmpty();
            String type = header(multi.head, "content-type");
            assertThat(type).startsWith("multipart/byteranges; boundary=");
            String boundary = type.substring(type.indexOf("boundary=") + 9);
            String expect = "--" + boundary + "\r\nContent-Type: image/jpeg\r\nContent-Range: bytes 0-15/" + n
                    + "\r\n\r\n" + latin1(0, 16) + "\r\n--" + boundary + "\r\nContent-Type: image/jpeg\r\n"
                    + "Content-Range: bytes 32-63/" + n + "\r\n\r\n" + latin1(32, 64) + "\r\n--" + boundary + "--\r\n";
            assertThat(new String(multi.body, StandardCharsets.ISO_8859_1)).isEqualTo(expect);

            ZonedDateTime modified = ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME);
            assertThat(get(url, "-H", "Range: bytes=0-15", "-H", "If-Range: " + lastModified).status).isEqualTo(206);
            // Swoole keeps the range for an If-Range it cannot parse; jswoole follows RFC 9110 13.1.5 (a validator
            // that does not match: the whole file), a deviation
            assertThat(get(url, "-H", "Range: bytes=0-15", "-H", "If-Range: test").status).isEqualTo(200);
            for (long shift : new long[] {-1, 1}) {
                Answer a = get(url, "-H", "Range: bytes=0-15", "-H", "If-Range: "
                        + DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.plusSeconds(shift)
                                .withZoneSameInstant(ZoneOffset.UTC)));
                assertThat(a.status).as("If-Range %+d s", shift).isEqualTo(200);
                assertThat(a.body).isEqualTo(IMAGE);
            }
            Answer head = get(url, "-I");
            assertThat(head.status).isEqualTo(200);
            assertThat(header(head.head, "accept-ranges")).isEqualTo("bytes");
            Answer headRange = get(url, "-I", "-H", "Range: bytes=0-15");
            assertThat(headRange.status).isEqualTo(206);
            assertThat(header(headRange.head, "content-range")).isEqualTo("bytes 0-15/" + n);
            assertThat(header(headRange.head, "accept-ranges")).isEmpty();

            assertThat(get(url, "-H", "Range: abc").body).isEqualTo(IMAGE);
            for (String bad : new String[] {"bytes=abc", "bytes=999999"}) {
                Answer a = get(url, "-H", "Range: " + bad);
                assertThat(a.status).as(bad).isEqualTo(416);
                assertThat(a.body).as(bad).isEmpty();
            }
            Answer all = get(url, "-H", "Range: bytes=-999999");
            assertThat(all.status).isEqualTo(206);
            assertThat(all.body).isEqualTo(IMAGE);
        }
    }

    private static String latin1(int from, int to) {
        return new String(Arrays.copyOfRange(IMAGE, from, to), StandardCharsets.ISO_8859_1);
    }

    /**
     * {@code sendfile.phpt}: files of 0 to 640 KiB sent whole, with the handler's headers.
     * {@code sendfile_link.phpt}: a hard link to one of them sends the same bytes.
     * {@code send_empty_file.phpt}: an empty file is an empty body. {@code sendfile_invalid_offset_length.phpt}:
     * an offset or length of -1 is refused (Swoole: false and a warning; jswoole: IllegalArgumentException, a
     * deviation) and the response can still end. {@code sendfile_dir.phpt}: a directory is refused, the client
     * gets no file. {@code max-age.phpt}: a cookie with an expiry an hour ahead has expires and Max-Age=3600, path,
     * domain, secure, HttpOnly and SameSite; an empty one deletes it.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void sendfileAndExpiringCookiesAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Handlers.class, p))) {
            Random rnd = new Random(5);
            for (int i = 0; i < 8; i++) {
                byte[] data = HttpHeadersParityTest.text(rnd.nextInt(65535 * 10)).getBytes(StandardCharsets.UTF_8);
                Path f = root.resolve("send" + i + ".txt");
                Files.write(f, data);
                Answer a = get(r.url("/sendfile?root=" + root + "&file=" + f.getFileName()));
                assertThat(a.body).isEqualTo(data);
                assertThat(header(a.head, "content-disposition")).isEqualTo("attachment; filename=recvfile.txt");
                assertThat(header(a.head, "content-type")).isEqualTo("application/octet-stream");
            }
            Path link = root.resolve("send0.txt.link"); // sendfile_link.phpt: a hard link is the file
            Files.deleteIfExists(link);
            Files.createLink(link, root.resolve("send0.txt"));
            assertThat(get(r.url("/sendfile?root=" + root + "&file=send0.txt.link")).body)
                    .isEqualTo(Files.readAllBytes(root.resolve("send0.txt")));
            Answer empty = get(r.url("/sendfile?root=" + root + "&file=empty.bin"));
            assertThat(empty.status).isEqualTo(200);
            assertThat(empty.body).isEmpty();
            assertThat(Running.curl(r.url("/sendfile-invalid?root=" + root))).isEqualTo("DONE");
            assertThat(get(r.url("/sendfile-dir?root=" + root)).status).isEqualTo(500);
            assertThat(p.events()).containsExactly("refused", "refused", "dir refused");

            long before = System.currentTimeMillis() / 1000;
            var cookies = HttpHeadersParityTest.setCookies(get(r.url("/max-age")).head);
            String expires = DateTimeFormatter.ofPattern("EEE, dd-MMM-yyyy HH:mm:ss 'GMT'", java.util.Locale.US)
                    .withZone(ZoneOffset.UTC).format(java.time.Instant.ofEpochSecond(before + 3600));
            assertThat(cookies).hasSize(2);
            assertThat(cookies.get(0)).startsWith("test=123456789").contains("; Max-Age=3600", "; path=/",
                    "; domain=example.com", "; secure", "; HttpOnly", "; SameSite=None");
            assertThat(cookies.get(0).substring(cookies.get(0).indexOf("expires=") + 8)).startsWith(
                    expires.substring(0, 20)); // to the minute: the second may tick between the two clocks
            assertThat(cookies.get(1)).isEqualTo("test=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0");
        }
    }

    record Answer(int status, String head, byte[] body) {
    }

    /** A GET with curl's extra arguments: the last response's status, head and body. */
    static Answer get(String url, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "--max-time", "10",
                "-D", "/dev/stderr"));
        cmd.addAll(Arrays.asList(args));
        cmd.add(url);
        Process pr = new ProcessBuilder(cmd).start();
        var err = pr.getErrorStream();
        byte[][] headBytes = new byte[1][];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                headBytes[0] = err.readAllBytes();
            } catch (java.io.IOException e) {
                headBytes[0] = new byte[0];
            }
        });
        byte[] body = pr.getInputStream().readAllBytes();
        t.join();
        assertThat(pr.waitFor()).isZero();
        String head = new String(headBytes[0], StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.substring(9, 12));
        return new Answer(status, head, args.length > 0 && args[0].equals("-I") ? new byte[0] : body);
    }

    /** The value of header {@code name} in {@code head} ("" when absent). */
    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && line.substring(0, c).equalsIgnoreCase(name)) {
                return line.substring(c + 1).trim();
            }
        }
        return "";
    }
}
