package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_http_server/*.phpt} about request bodies and the connection: uploads, forms, raw
 * bodies, 100-continue, pipelining, a head sent in pieces and trailers, on jswoole's {@link HttpServer} with curl
 * and raw sockets, in every mode. Each method's Javadoc names the {@code .phpt} files it ports.
 */
class HttpBodiesParityTest {
    @TempDir
    static Path dir;
    static Path image;

    @BeforeAll
    static void files() throws Exception {
        image = dir.resolve("test.jpg");
        Files.write(image, HttpHeadersParityTest.IMAGE);
    }

    /** The handlers of the .phpt files, one path each. */
    static final class Handlers implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                switch (req.path()) {
                    case "/md5" -> {
                        UploadedFile f = req.files().get(req.get().getOrDefault("field", "file"));
                        try {
                            res.end(f == null ? "ERROR" : HttpHeadersParityTest.md5(Files.readAllBytes(f.tmpName())));
                        } catch (Exception e) {
                            res.end("ERROR " + e);
                        }
                    }
                    case "/name" -> res.end(req.files().get("file").name());
                    case "/files" -> res.end(new TreeMap<>(req.filesArray()) + " " + new TreeMap<>(req.post()));
                    case "/post" -> res.end(new TreeMap<>(req.post()).toString());
                    case "/rawContent" -> res.end(req.rawContent());
                    case "/locks" -> res.end(new String(req.rawContent(), StandardCharsets.ISO_8859_1) + "EOF");
                    case "/slow" -> {
                        Map<String, String> h = req.header();
                        String why = !"nginx".equals(h.get("server")) ? "server " + h.get("server")
                                : !"swoole".equals(h.get("x-server")) ? "x-server " + h.get("x-server")
                                : !h.get("content-length").equals(String.valueOf(req.rawContent().length))
                                        ? "length " + req.rawContent().length : null;
                        String key = req.post().get("test_key");
                        res.end(why != null ? "BAD " + why : key == null ? "OK" : "OK " + key.length() + " "
                                + WebSocketMd5.of(key));
                    }
                    case "/tree" -> res.end(tree("", req.filesArray()));
                    case "/form" -> res.end(new TreeMap<>(req.get()) + " " + new TreeMap<>(req.post()));
                    case "/count" -> res.end("files " + req.files().size() + " post " + req.post().size());
                    case "/after-end" -> {
                        res.end("OK");
                        probe.add("after end: rawContent " + req.rawContent().length + ", getData "
                                + (req.getData().length > req.rawContent().length));
                    }
                    case "/getContent" -> res.end(req.getContent());
                    case "/large" -> {
                        res.header("Content-Type", "text/plain");
                        res.end(String.valueOf(req.get().get("a").length()));
                    }
                    case "/trailer" -> {
                        res.header("trailer", "Content-MD5");
                        probe.add("write " + res.write("hello world"));
                        probe.add("trailer " + res.trailer("Content-MD5", WebSocketMd5.of("hello world")));
                        probe.add("end " + res.end());
                    }
                    default -> res.end(new TreeMap<>(req.get()).toString());
                }
            });
        }
    }

    /**
     * A files array as sorted {@code path=value} lines, a {@code tmp_name} as {@code file} when the file exists
     * (Swoole's tests overwrite it with a fixture name for the same reason: it is random).
     */
    @SuppressWarnings("unchecked")
    static String tree(String prefix, Map<String, Object> m) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(m).forEach((k, v) -> {
            String path = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map<?, ?> child) {
                b.append(tree(path, (Map<String, Object>) child));
            } else if (k.equals("tmp_name") || path.contains(".tmp_name.")) {
                b.append(path).append('=').append(Files.isRegularFile(Path.of(v.toString())) ? "file" : v)
                        .append('\n');
            } else {
                b.append(path).append('=').append(v).append('\n');
            }
        });
        return b.toString();
    }

    /** MD5 in hex, for the handlers (a nested class keeps the recipe free of checked exceptions). */
    static final class WebSocketMd5 {
        static String of(String s) {
            try {
                return HttpHeadersParityTest.md5(s.getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * {@code upload.phpt}, {@code uploadFile.phpt}: a multipart upload beside a form field is written to a
     * temporary file with the same bytes. {@code upload4.phpt}: the client's file name as sent ({@code test-+.jpg}
     * here; with its {@code =}: {@link #bigUploadsFileArraysAndFormsAsSwoole}). {@code 100-continue.phpt}: the same with {@code Expect: 100-continue}. {@code upload_max_filesize.phpt}:
     * past {@code upload_max_filesize} (and {@code package_max_length}) the answer is 413 (jswoole's body is one
     * short line, Swoole's empty: the deviation of {@code error_413.phpt}). {@code post.phpt}: a url-encoded form
     * of two fields up to 170 KB. {@code rawContent.phpt}: {@code rawContent()} and {@code getContent()} are the
     * body as sent.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void uploadsAndFormsAsSwoole(Mode mode) throws Exception {
        String md5 = HttpHeadersParityTest.md5(HttpHeadersParityTest.IMAGE);
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "upload_tmp_dir", dir.resolve("tmp").toString()), Handlers.class, p))) {
            assertThat(Running.curl("-H", "Expect:", "-F", "test=" + "a".repeat(80), "-F", "file=@" + image,
                    r.url("/md5"))).isEqualTo(md5);
            assertThat(Running.curl("-H", "Expect:", "-F", "test=" + "a".repeat(80), "-F", "upfile=@" + image,
                    r.url("/md5?field=upfile"))).isEqualTo(md5);
            assertThat(Running.curl("-H", "Expect:", "-F", "test=" + "a".repeat(80), "-F",
                    "file=@" + image + ";filename=test-+.jpg", r.url("/name"))).isEqualTo("test-+.jpg");
            String verbose = curlVerbose("-H", "Expect: 100-continue", "-F", "test=" + "a".repeat(80), "-F",
                    "file=@" + image, r.url("/md5"));
            assertThat(verbose).contains("HTTP/1.1 100 Continue").endsWith(md5);

            Random rnd = new Random(3);
            byte[] random = new byte[2048 + rnd.nextInt(65536 * 2)];
            rnd.nextBytes(random);
            String html = Base64.getEncoder().encodeToString(random);
            int index = 8192 + rnd.nextInt(html.length() - 16384);
            String d1 = html.substring(0, index);
            String d2 = html.substring(index);
            Path form = dir.resolve("form.txt");
            Files.writeString(form, "data1=" + URLEncoder.encode(d1, StandardCharsets.UTF_8) + "&data2="
                    + URLEncoder.encode(d2, StandardCharsets.UTF_8));
            assertThat(Running.curl("--data-binary", "@" + form, "-H",
                    "Content-Type: application/x-www-form-urlencoded", r.url("/post")))
                    .isEqualTo(new TreeMap<>(Map.of("data1", d1, "data2", d2)).toString());

            String data = HttpHeadersParityTest.text(5000);
            assertThat(Running.curl("--data-binary", data, r.url("/rawContent"))).isEqualTo(data);
            assertThat(Running.curl("--data-binary", data, r.url("/getContent"))).isEqualTo(data);
        }
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "package_max_length", 64 * 1024, "upload_max_filesize", 128 * 1024), Handlers.class, p))) {
            String out = Running.curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Expect:", "-F",
                    "test=" + "a".repeat(80), "-F", "file=@" + image, r.url("/md5"));
            assertThat(out).isEqualTo("413");
        }
    }

    /**
     * A server whose {@code package_max_length} (64 KiB) is smaller than the files it takes, as in
     * {@code upload_big_file.phpt}: a 218,787-byte file beside three fields (80 bytes, 10-128 and 1-8 KiB of
     * base64) is written whole under {@code upload_max_filesize} (8 MiB). {@code upload4.phpt}: the file name
     * {@code test-+=.jpg} reaches {@code files()} as sent (bug fixed: Netty's decoder made the {@code =} a space;
     * a quoted name with {@code ; , :} keeps them too). {@code upload_file_array_default.phpt}: files named
     * {@code file}, {@code form[file]} and {@code form[group][file]} nest by name, each a whole file array (bug
     * fixed: the bracketed names were flat keys). {@code bug_5186.phpt}: a multipart body that is only its closing
     * boundary is served with no files. {@code form_data_with_charset.phpt}: a multipart Content-Type with
     * {@code ; charset=UTF-8} after the boundary, 50 random query parameters and 100 random fields, 100 times on
     * new connections (as the .phpt; 20 here). {@code bug_get_request_data_after_end.phpt}: {@code rawContent()}
     * and {@code getData()} still hold the request after {@code end()}.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void bigUploadsFileArraysAndFormsAsSwoole(Mode mode) throws Exception {
        Path svg = dir.resolve("swoole-logo.svg");
        Files.writeString(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n".repeat(40));
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "package_max_length", 64 * 1024, "upload_max_filesize", 8 * 1024 * 1024), Handlers.class, p))) {
            Random rnd = new Random(5);
            String hello = Base64.getEncoder().encodeToString(bytes(rnd, 10 + rnd.nextInt(119)));
            String world = Base64.getEncoder().encodeToString(bytes(rnd, 1024 + rnd.nextInt(7169)));
            assertThat(Running.curl("-H", "Expect:", "-F", "test=" + "a".repeat(80), "-F", "hello=" + hello, "-F",
                    "world=" + world, "-F", "file=@" + image, r.url("/md5")))
                    .isEqualTo(HttpHeadersParityTest.md5(HttpHeadersParityTest.IMAGE));

            assertThat(Running.curl("-H", "Expect:", "-F", "file=@" + image + ";filename=test-+=.jpg",
                    r.url("/name"))).isEqualTo("test-+=.jpg");
            String b = "----b" + Long.toHexString(rnd.nextLong());
            assertThat(post(r, "/name", "multipart/form-data; boundary=" + b, "--" + b + "\r\nContent-Disposition: "
                    + "form-data; name=\"file\"; filename=\"a=1; b,c: d.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                    + "x\r\n--" + b + "--\r\n")).isEqualTo("a=1; b,c: d.txt");

            assertThat(Running.curl("-H", "Expect:", "-F", "file=@" + image + ";type=application/octet-stream;"
                    + "filename=image.jpg", "-F", "form[file]=@" + image + ";type=image/jpeg;filename=photo.jpg",
                    "-F", "form[group][file]=@" + svg + ";type=image/svg+xml;filename=swoole-logo.svg",
                    r.url("/tree"))).isEqualTo(String.join("\n",
                    "file.error=0", "file.name=image.jpg", "file.size=" + Files.size(image),
                    "file.tmp_name=file", "file.type=application/octet-stream",
                    "form.file.error=0", "form.file.name=photo.jpg", "form.file.size=" + Files.size(image),
                    "form.file.tmp_name=file", "form.file.type=image/jpeg",
                    "form.group.file.error=0", "form.group.file.name=swoole-logo.svg",
                    "form.group.file.size=" + Files.size(svg), "form.group.file.tmp_name=file",
                    "form.group.file.type=image/svg+xml", ""));

            String only = "------WebKitFormBoundaryOldDnwBESVoBBtI5--\r\n\r\n";
            assertThat(post(r, "/count", "multipart/form-data; boundary=----WebKitFormBoundaryOldDnwBESVoBBtI5",
                    only)).isEqualTo("files 0 post 0");

            for (int i = 0; i < 20; i++) {
                Map<String, String> get = HttpMiscParityTest.random(rnd, 50);
                Map<String, String> fields = HttpMiscParityTest.random(rnd, 100);
                String boundary = "++++" + Long.toHexString(rnd.nextLong());
                StringBuilder body = new StringBuilder();
                fields.forEach((k, v) -> body.append("--").append(boundary).append("\r\nContent-Disposition: ")
                        .append("form-data; name=\"").append(k).append("\"\r\n\r\n").append(v).append("\r\n"));
                body.append("--").append(boundary).append("--\r\n");
                assertThat(post(r, "/form?" + HttpMiscParityTest.form(get), "multipart/form-data; boundary=" + boundary
                        + "; charset=UTF-8", body.toString())).isEqualTo(new TreeMap<>(get) + " "
                        + new TreeMap<>(fields));
            }

            String data = Base64.getEncoder().encodeToString(bytes(rnd, 1000));
            assertThat(Running.curl("--data-binary", data, r.url("/after-end"))).isEqualTo("OK");
            assertThat(Running.eventually(() -> p.count("after end: rawContent " + data.length() + ", getData true")
                    == 1)).as(p.events().toString()).isTrue();
        }
    }

    /**
     * {@code upload_file_array_parsed.phpt}: with {@code http_parse_files}, bracketed file names take PHP's
     * {@code $_FILES} layout (files.form.name.file, files.form.tmp_name.group.file...; bug fixed: they nested by
     * name). One mode: {@code filesArray()} is built from {@code files()}, which reaches the handler alike in every
     * mode ({@link #bigUploadsFileArraysAndFormsAsSwoole} checks that in all three).
     */
    @org.junit.jupiter.api.Test
    void parsedFileArraysTakePhpsLayout() throws Exception {
        Path svg = dir.resolve("logo.svg");
        Files.writeString(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(Mode.BASE, Map.of("worker_num", 1,
                "http_parse_files", true), Handlers.class, p))) {
            assertThat(Running.curl("-H", "Expect:", "-F", "file=@" + image + ";type=application/octet-stream;"
                    + "filename=image.jpg", "-F", "form[file]=@" + image + ";type=image/jpeg;filename=photo.jpg",
                    "-F", "form[group][file]=@" + svg + ";type=image/svg+xml;filename=swoole-logo.svg",
                    r.url("/tree"))).isEqualTo(String.join("\n",
                    "file.error=0", "file.name=image.jpg", "file.size=" + Files.size(image),
                    "file.tmp_name=file", "file.type=application/octet-stream",
                    "form.error.file=0", "form.error.group.file=0",
                    "form.name.file=photo.jpg", "form.name.group.file=swoole-logo.svg",
                    "form.size.file=" + Files.size(image), "form.size.group.file=" + Files.size(svg),
                    "form.tmp_name.file=file", "form.tmp_name.group.file=file",
                    "form.type.file=image/jpeg", "form.type.group.file=image/svg+xml", ""));
        }
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /**
     * {@code upload_02.phpt}: a raw multipart request of 100-200 KB with six fields and a file part is parsed (the
     * file and the fields). {@code upload_03.phpt}: a Content-Type with a parameter after the boundary
     * ({@code ; error=bad}) still parses. {@code upload_file_empty.phpt}: an empty file is size 0 with error 0; a
     * file part without a file name is error 4 (UPLOAD_ERR_NO_FILE) with empty name, type and tmp_name (bug fixed:
     * it had the part's type and a temporary file).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void rawMultipartAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Handlers.class, p))) {
            String b = "Boundary+D80E45AE1BB1E1E1";
            StringBuilder body = new StringBuilder();
            for (String[] f : new String[][] {{"folder_id", "0"}, {"name", "IMG_0941(17).png"}, {"servers_id",
                    "1000"}, {"size", "103972"}, {"token", "08ccbb0e11cb5cbc718c71fa7be2adfb"}, {"type", "0"}}) {
                body.append("--").append(b).append("\r\nContent-Disposition: form-data; name=\"").append(f[0])
                        .append("\"\r\n\r\n").append(f[1]).append("\r\n");
            }
            String content = "x".repeat(100_000 + new Random(2).nextInt(100_000));
            body.append("--").append(b).append("\r\nContent-Disposition: form-data; name=\"file\"; ")
                    .append("filename=\"IMG_0941(17).png\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .append(content).append("\r\n--").append(b).append("--\r\n");
            String out = post(r, "/files", "multipart/form-data; boundary=" + b, body.toString());
            assertThat(out).contains("file={name=IMG_0941(17).png, type=application/octet-stream, tmp_name=")
                    .contains("error=0, size=" + content.length() + "}")
                    .endsWith("{folder_id=0, name=IMG_0941(17).png, servers_id=1000, size=103972, "
                            + "token=08ccbb0e11cb5cbc718c71fa7be2adfb, type=0}");

            String name = "A".repeat(150);
            String b3 = "--" + b + "\r\nContent-Disposition: form-data; name=\"folder_id\"\r\n\r\n999999955\r\n--" + b
                    + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n--" + b + "--\r\n";
            assertThat(post(r, "/post", "multipart/form-data; boundary=" + b + "; error=bad", b3))
                    .isEqualTo("{folder_id=999999955, name=" + name + "}");

            String e = "------------------------d3f990cdce762596";
            String empty = String.join("\r\n", "--" + e,
                    "Content-Disposition: form-data; name=\"file1\"; filename=\"empty.txt\"",
                    "Content-Type: text/plain", "", "", "--" + e,
                    "Content-Disposition: form-data; name=\"file2\"; filename=\"\"",
                    "Content-Type: application/octet-stream", "", "", "--" + e + "--", "");
            String files = post(r, "/files", "multipart/form-data; boundary=" + e, empty);
            assertThat(files).contains("file1={name=empty.txt, type=text/plain, tmp_name=")
                    .contains("error=0, size=0}")
                    .contains("file2={name=, type=, tmp_name=, error=4, size=0}");
        }
    }

    /** A raw POST on a new connection: the body of the answer. */
    private static String post(Running r, String path, String type, String body) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        String out = r.exchangeUntilClose("POST " + path + " HTTP/1.1\r\nHost: local.swoole.com\r\nContent-Type: "
                + type + "\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(out).startsWith("HTTP/1.1 200");
        return out.substring(out.indexOf("\r\n\r\n") + 4);
    }

    /**
     * {@code pipeline.phpt}: ten GETs with 1-4 KB query strings written at once on one connection get ten answers
     * in order. {@code large_url.phpt}: a request head with a 1-2 KB URL and a long Cookie header sent in three
     * pieces 200 ms apart is one request. {@code trailer.phpt}: a chunked answer with a {@code Content-MD5} trailer
     * (every call true). {@code slow_client.phpt}: a POST written in pieces of 5-255 bytes 100 us apart is one
     * request, its headers and body whole. {@code slow_large_post.phpt}: a url-encoded form in three writes 30 ms
     * apart (the .phpt's value is random bytes; here random text: {@code post()} values are Java strings, decoded as
     * UTF-8). {@code chunked_pipeline_request.phpt}: on one keep-alive connection, a chunked DELETE with an empty
     * body, eight GETs with {@code Content-Length: 0} written at once, then eight chunked POSTs of four chunks, each
     * answered with its body and {@code EOF}. {@code form_data_1.phpt}: a multipart POST whose first 250 bytes
     * arrive 10 ms before the rest has its three fields.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void pipelinePiecesAndTrailersAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Handlers.class, p))) {
            Random rnd = new Random(9);
            StringBuilder all = new StringBuilder();
            StringBuilder expect = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                String a = "A".repeat(1024 + rnd.nextInt(3072));
                all.append("GET /?a=").append(a).append("&b=3.1415926&i=").append(i).append(" HTTP/1.1\r\nHost: ")
                        .append("localhost\r\nConnection: closed\r\nAccept: */*\r\n\r\n");
                expect.append("{a=").append(a).append(", b=3.1415926, i=").append(i).append('}');
            }
            try (Socket s = r.connect()) {
                s.getOutputStream().write(all.toString().getBytes(StandardCharsets.ISO_8859_1));
                StringBuilder bodies = new StringBuilder();
                InputStream in = s.getInputStream();
                for (int i = 0; i < 10; i++) {
                    String head = readHead(in);
                    assertThat(head).startsWith("HTTP/1.1 200 OK").contains("Server: jswoole-http-server");
                    int n = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                    bodies.append(new String(in.readNBytes(n), StandardCharsets.ISO_8859_1));
                }
                assertThat(bodies.toString()).isEqualTo(expect.toString());
            }

            int len = 1024 + rnd.nextInt(1024);
            String head = "GET /large?a=" + "A".repeat(len) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                    + "keep-alive\r\nCache-Control: max-age=0\r\nCookie: " + "8MLP_5753_saltkey=RSU8HYED; ".repeat(60)
                    + "end=1\r\nAccept: text/html\r\n\r\n";
            try (Socket s = r.connect()) {
                OutputStream out = s.getOutputStream();
                out.write(head.substring(0, 512).getBytes(StandardCharsets.ISO_8859_1));
                Thread.sleep(200);
                out.write(head.substring(512, 1024).getBytes(StandardCharsets.ISO_8859_1));
                Thread.sleep(200);
                out.write(head.substring(1024).getBytes(StandardCharsets.ISO_8859_1));
                String h = readHead(s.getInputStream());
                int n = Integer.parseInt(h.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                assertThat(new String(s.getInputStream().readNBytes(n), StandardCharsets.ISO_8859_1))
                        .isEqualTo(String.valueOf(len));
            }

            String chunked = r.exchangeUntilClose("GET /trailer HTTP/1.1\r\nHost: a\r\nTE: trailers\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(chunked).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked")
                    .contains("hello world").containsIgnoringCase("content-md5: " + WebSocketMd5.of("hello world"));
            assertThat(Running.eventually(() -> p.count("end true") == 1)).isTrue();
            assertThat(p.events()).containsExactly("write true", "trailer true", "end true");

            // slow_client.phpt: a POST in pieces of 5-255 bytes, 100 us apart
            String html = Base64.getEncoder().encodeToString(bytes(rnd, 1024 + rnd.nextInt(64 * 1024 - 1024)));
            String slow = "POST /slow HTTP/1.1\r\nHost: a\r\nServer: nginx\r\nContent-Type: text/html\r\n"
                    + "Connection: close\r\nContent-Length: " + html.length() + "\r\nX-Server: swoole\r\n\r\n" + html;
            int piece = 5 + rnd.nextInt(251);
            assertThat(sendInPieces(r, slow, piece, 100_000)).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nOK");

            // slow_large_post.phpt: a url-encoded form in three writes 30 ms apart (2 KiB, 8 KiB, the rest)
            String value = HttpHeadersParityTest.text(2048 + 8192);
            String form = "test_key=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
            String large = "POST /slow HTTP/1.1\r\nHost: a\r\nServer: nginx\r\nContent-Type: "
                    + "application/x-www-form-urlencoded\r\nConnection: close\r\nContent-Length: "
                    + form.getBytes(StandardCharsets.UTF_8).length + "\r\nX-Server: swoole\r\n\r\n" + form;
            try (Socket s = r.connect()) {
                byte[] bytes = large.getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(bytes, 0, 2048);
                Thread.sleep(30);
                out.write(bytes, 2048, 8192);
                Thread.sleep(30);
                out.write(bytes, 2048 + 8192, bytes.length - 2048 - 8192);
                assertThat(Running.readUntilClose(s)).startsWith("HTTP/1.1 200 OK")
                        .endsWith("\r\n\r\nOK " + value.length() + " " + WebSocketMd5.of(value));
            }

            // form_data_1.phpt: a curl-made multipart POST (test, hello and world fields, as its req1.bin) whose
            // first 250 bytes come 10 ms before the rest
            String fb = "------------------------18610972117ffaf2";
            String hello = Base64.getEncoder().encodeToString(bytes(rnd, 90));
            String world = Base64.getEncoder().encodeToString(bytes(rnd, 7800));
            String parts = "--" + fb + "\r\nContent-Disposition: form-data; name=\"test\"\r\n\r\n" + "a".repeat(80)
                    + "\r\n--" + fb + "\r\nContent-Disposition: form-data; name=\"hello\"\r\n\r\n" + hello + "\r\n--"
                    + fb + "\r\nContent-Disposition: form-data; name=\"world\"\r\n\r\n" + world + "\r\n--" + fb + "--\r\n";
            String req1 = "POST /post?test=hello&str=world HTTP/1.1\r\nHost: 127.0.0.1:" + r.port() + "\r\nAccept: "
                    + "*/*\r\nContent-Length: " + parts.length() + "\r\nContent-Type: multipart/form-data; boundary="
                    + fb + "\r\nConnection: close\r\n\r\n" + parts;
            try (Socket s = r.connect()) {
                byte[] bytes = req1.getBytes(StandardCharsets.ISO_8859_1);
                s.getOutputStream().write(bytes, 0, 250);
                Thread.sleep(10);
                s.getOutputStream().write(bytes, 250, bytes.length - 250);
                assertThat(Running.readUntilClose(s)).startsWith("HTTP/1.1 200 OK")
                        .endsWith("\r\n\r\n" + new TreeMap<>(Map.of("test", "a".repeat(80), "hello", hello, "world",
                                world)));
            }

            // chunked_pipeline_request.phpt (each request with a Host: jswoole answers 400 without, bug_2988.phpt)
            String headers = "x-real-ip: 10.2.100.1\r\naccept: application/json\r\naccept-encoding: gzip, deflate, "
                    + "br\r\ncookie: gr_user_id=1696256d-0a68-486f-a507-74191e74dbc6; SESSION=ZGExNmI1ODYtZTQz\r\n"
                    + "x-device-id: \r\nkyc-country: \r\nHost: 10.2.1.51:9526\r\nConnection: Keep-Alive\r\n";
            String emptyChunked = "DELETE /locks?password=9c1858261b4337b49af4fb8c57a9ec98&lock_id=1 HTTP/1.1\r\n"
                    + headers + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
            String zeroLength = "GET /locks?currency=&start_at=1576771200000&pageSize=20&page=1 HTTP/1.1\r\n" + headers
                    + "Content-Length: 0\r\n\r\n";
            String[] chunks = {"FOO", "BAR", "CHAR", "Z".repeat(10 + rnd.nextInt(991))};
            StringBuilder chunkedBody = new StringBuilder();
            for (String c : chunks) {
                chunkedBody.append(Integer.toHexString(c.length())).append("\r\n").append(c).append("\r\n");
            }
            String chunkedPost = "POST /locks HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedBody
                    + "0\r\n\r\n";
            try (Socket s = r.connect()) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(emptyChunked.getBytes(StandardCharsets.ISO_8859_1));
                assertThat(body(in)).isEqualTo("EOF");
                out.write(zeroLength.repeat(8).getBytes(StandardCharsets.ISO_8859_1));
                for (int i = 0; i < 8; i++) {
                    assertThat(body(in)).as("pipelined " + i).isEqualTo("EOF");
                }
                for (int i = 0; i < 8; i++) {
                    out.write(chunkedPost.getBytes(StandardCharsets.ISO_8859_1));
                    assertThat(body(in)).isEqualTo(String.join("", chunks) + "EOF");
                }
            }
        }
    }

    /** The body of the next answer on {@code in} (a Content-Length one). */
    private static String body(InputStream in) throws Exception {
        String head = readHead(in);
        assertThat(head).startsWith("HTTP/1.1 200 OK");
        int n = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code raw} in pieces of {@code piece} bytes, {@code pauseNanos} apart, then reads to the close. */
    private static String sendInPieces(Running r, String raw, int piece, long pauseNanos) throws Exception {
        try (Socket s = r.connect()) {
            byte[] all = raw.getBytes(StandardCharsets.ISO_8859_1);
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < all.length; i += piece) {
                out.write(all, i, Math.min(piece, all.length - i));
                java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
            }
            return Running.readUntilClose(s);
        }
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** curl -v: stderr (the exchange) and stdout (the body), in that order. */
    private static String curlVerbose(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "-v", "--max-time",
                "10"));
        cmd.addAll(java.util.List.of(args));
        Process pr = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        byte[] err = pr.getErrorStream().readAllBytes();
        byte[] out = pr.getInputStream().readAllBytes();
        assertThat(pr.waitFor()).isZero();
        return new String(err, StandardCharsets.UTF_8) + new String(out, StandardCharsets.UTF_8);
    }
}
