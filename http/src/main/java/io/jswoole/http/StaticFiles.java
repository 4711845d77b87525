package io.jswoole.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Swoole's static handler ({@code enable_static_handler}): GET and HEAD for files under {@code document_root}
 * before the {@code request} event, with index files, directory listings, If-Modified-Since (304) and Range:
 * one range (206 with Content-Range), several (206 multipart/byteranges, as Swoole and nginx answer), none
 * satisfiable (416). A path that decodes to a NUL gets 400; one that leaves the root, through {@code ..} (encoded
 * or not) or a symbolic link, gets 403.
 */
final class StaticFiles {
    private static final Pattern RANGE = Pattern.compile("(\\d*)\\s*-\\s*(\\d*)");
    /** A multipart/byteranges answer holds at most this many parts and bytes; past that, the whole file. */
    static final int MAX_PARTS = 16, MAX_PARTS_BYTES = 8 << 20;
    private static final String BOUNDARY = "jswoole-byteranges-";
    private final HttpConfig cfg;
    private final Path root;
    private Path realRoot;

    StaticFiles(HttpConfig cfg) {
        this.cfg = cfg;
        this.root = cfg.documentRoot();
    }

    /** True when the request was answered here. */
    boolean serve(Request req, Response res) {
        String m = req.getMethod();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            return false;
        }
        String raw = new QueryStringDecoder(req.uri()).rawPath();
        boolean located = cfg.staticLocations().isEmpty();
        for (String loc : cfg.staticLocations()) {
            if (raw.equals(loc) || raw.startsWith(loc.endsWith("/") ? loc : loc + "/")) {
                located = true;
            }
        }
        if (!located) {
            return false;
        }
        boolean strict = !cfg.staticLocations().isEmpty();
        String path;
        try {
            path = QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"));
        } catch (IllegalArgumentException e) {
            return error(res, 400);
        }
        if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
            return error(res, 400);
        }
        Path target = root.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!target.startsWith(root)) {
            return error(res, 403);
        }
        Path real;
        try {
            if (realRoot == null) {
                realRoot = root.toRealPath();
            }
            real = target.toRealPath();
        } catch (IOException e) {
            return strict && error(res, 404);
        }
        if (!real.startsWith(realRoot)) {
            return error(res, 403);
        }
        if (Files.isDirectory(real)) {
            for (String index : cfg.indexFiles()) {
                Path f = real.resolve(index);
                if (Files.isRegularFile(f)) {
                    return file(req, res, f);
                }
            }
            if (cfg.autoindex()) {
                return listing(res, raw, real);
            }
            return false; // a directory without an index goes to the request handler, as in Swoole
        }
        return Files.isRegularFile(real) ? file(req, res, real) : strict && error(res, 404);
    }

    private boolean file(Request req, Response res, Path f) {
        long size, modified;
        try {
            size = Files.size(f);
            modified = Files.getLastModifiedTime(f).toMillis() / 1000;
        } catch (IOException e) {
            return error(res, 404);
        }
        Map<String, String> h = req.header();
        res.header("Last-Modified", HttpDate.format(modified * 1000));
        res.header("Content-Type", Mime.of(f.getFileName().toString()));
        String ims = h.get("if-modified-since");
        if (ims != null && HttpDate.parseSeconds(ims) >= modified) {
            res.status(304);
            res.end();
            return true;
        }
        String range = h.get("range");
        String ifRange = h.get("if-range");
        if (range != null && (ifRange == null || HttpDate.parseSeconds(ifRange) == modified)) {
            List<long[]> ranges = ranges(range.trim(), size);
            if (ranges != null) {
                if (ranges.isEmpty()) {
                    res.status(416);
                    res.header("Content-Range", "bytes */" + size);
                    res.end();
                    return true;
                }
                if (ranges.size() == 1) {
                    long[] r = ranges.getFirst();
                    res.status(206);
                    res.header("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size);
                    return res.sendfile(f.toString(), r[0], r[1] - r[0] + 1) || true;
                }
                Parts parts;
                try {
                    parts = byteranges(f, ranges, size, Mime.of(f.getFileName().toString()));
                } catch (IOException e) {
                    return error(res, 404);
                }
                if (parts != null) {
                    res.status(206);
                    res.header("Content-Type", "multipart/byteranges; boundary=" + parts.boundary());
                    res.end(parts.body());
                    return true;
                }
                // more than the parts are worth: the whole file, as RFC 9110 14.2 lets a server do
            }
        }
        // the whole file: Accept-Ranges says a range may be asked (Swoole sends it on such answers only)
        res.header("Accept-Ranges", "bytes");
        if (size == 0) {
            res.end();
            return true;
        }
        return res.sendfile(f.toString(), 0, size) || true;
    }

    /**
     * The satisfiable ranges of a {@code Range} header, in the order asked, each {@code [first, last]}; empty when
     * none is or the set is malformed (416); {@code null} when the header is not a bytes range set at all (ignored: the whole file).
     */
    static List<long[]> ranges(String header, long size) {
        if (!header.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        List<long[]> out = new ArrayList<>();
        for (String spec : header.substring(6).split(",")) {
            Matcher m = RANGE.matcher(spec.trim());
            if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
                return List.of(); // a bytes range set that is not one: 416 (RFC 9110 15.5.17), as Swoole and nginx
            }
            long first, last;
            try {
                if (m.group(1).isEmpty()) {
                    first = Math.max(0, size - Long.parseLong(m.group(2)));
                    last = size - 1;
                } else {
                    first = Long.parseLong(m.group(1));
                    last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                    if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
                        return List.of(); // an invalid range makes the whole set invalid (RFC 9110 14.1.1): 416
                    }
                }
            } catch (NumberFormatException e) {
                continue; // past 2^63: not satisfiable
            }
            if (first < size && first <= last) {
                out.add(new long[] {first, last});
            }
        }
        return out;
    }

    private record Parts(String boundary, byte[] body) {
    }

    /** The multipart/byteranges body, or {@code null} past {@link #MAX_PARTS} or {@link #MAX_PARTS_BYTES}. */
    private static Parts byteranges(Path f, List<long[]> ranges, long size, String type) throws IOException {
        long total = 0;
        for (long[] r : ranges) {
            total += r[1] - r[0] + 1;
        }
        if (ranges.size() > MAX_PARTS || total > MAX_PARTS_BYTES) {
            return null;
        }
        String boundary = BOUNDARY + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        var out = new java.io.ByteArrayOutputStream((int) total + 128 * ranges.size());
        try (var ch = java.nio.channels.FileChannel.open(f)) {
            for (long[] r : ranges) {
                out.writeBytes(("--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Range: bytes " + r[0]
                        + "-" + r[1] + "/" + size + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                java.nio.ByteBuffer part = java.nio.ByteBuffer.allocate((int) (r[1] - r[0] + 1));
                while (part.hasRemaining() && ch.read(part, r[0] + part.position()) > 0) {
                    // until the part is read
                }
                out.write(part.array(), 0, part.position());
                out.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return new Parts(boundary, out.toByteArray());
    }

    private boolean listing(Response res, String rawPath, Path dir) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString() + (Files.isDirectory(p) ? "/" : "")));
        } catch (IOException e) {
            return error(res, 404);
        }
        names.sort(null);
        String base = rawPath.endsWith("/") ? rawPath : rawPath + "/";
        StringBuilder sb = new StringBuilder("<html><head><title>Index of ").append(escape(rawPath))
                .append("</title></head><body><h1>Index of ").append(escape(rawPath)).append("</h1><ul>\n");
        if (!rawPath.equals("/")) {
            sb.append("<li><a href=\"").append(escape(base)).append("..\">..</a></li>\n");
        }
        for (String n : names) {
            String href = base + java.net.URLEncoder.encode(n, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20").replace("%2F", "/");
            sb.append("<li><a href=\"").append(escape(href)).append("\">").append(escape(n)).append("</a></li>\n");
        }
        sb.append("</ul></body></html>\n");
        res.header("Content-Type", "text/html; charset=utf-8");
        res.end(sb.toString());
        return true;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static boolean error(Response res, int code) {
        res.status(code);
        res.end(Responses.page(code));
        return true;
    }
}
