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
 * before the {@code request} event, with index files, directory listings, If-Modified-Since (304) and a single
 * Range (206/416). A path that decodes to a NUL gets 400; one that leaves the root, through {@code ..} (encoded
 * or not) or a symbolic link, gets 403.
 */
final class StaticFiles {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
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
            return strict && error(res, 404);
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
        res.header("Accept-Ranges", "bytes");
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
            Matcher m = RANGE.matcher(range.trim());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                long start, end;
                try {
                    if (m.group(1).isEmpty()) {
                        start = Math.max(0, size - Long.parseLong(m.group(2)));
                        end = size - 1;
                    } else {
                        start = Long.parseLong(m.group(1));
                        end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                    }
                } catch (NumberFormatException e) {
                    start = size;
                    end = -1;
                }
                if (start >= size || end < start) {
                    res.status(416);
                    res.header("Content-Range", "bytes */" + size);
                    res.end();
                    return true;
                }
                res.status(206);
                res.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
                return res.sendfile(f.toString(), start, end - start + 1) || true;
            }
        }
        if (size == 0) {
            res.end();
            return true;
        }
        return res.sendfile(f.toString(), 0, size) || true;
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
