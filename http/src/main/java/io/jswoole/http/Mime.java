package io.jswoole.http;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content types by file extension, for the static handler and {@code sendfile}: Swoole's
 * {@code swoole_mime_type_add}, {@code _set}, {@code _delete}, {@code _get}, {@code _exists} and {@code _list}.
 * One table per JVM (per worker JVM in PROCESS mode: change it before {@code start()}, in code every JVM runs).
 */
public final class Mime {
    private static final String DEFAULT = "application/octet-stream";
    private static final Map<String, String> TYPES = new ConcurrentHashMap<>(Map.ofEntries(
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("txt", "text/plain"),
            Map.entry("css", "text/css"), Map.entry("js", "text/javascript"), Map.entry("mjs", "text/javascript"),
            Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"), Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"), Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"), Map.entry("wasm", "application/wasm"),
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("mp4", "video/mp4"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("csv", "text/csv"), Map.entry("md", "text/markdown")));

    private Mime() {
    }

    /** Adds a type for {@code suffix} (without the dot); false when the suffix has one already. */
    public static boolean add(String suffix, String mimeType) {
        return TYPES.putIfAbsent(suffix(suffix), checked(mimeType)) == null;
    }

    /** Sets the type of {@code suffix}, replacing any. */
    public static void set(String suffix, String mimeType) {
        TYPES.put(suffix(suffix), checked(mimeType));
    }

    /** Removes the type of {@code suffix}; false when it had none. */
    public static boolean delete(String suffix) {
        return TYPES.remove(suffix(suffix)) != null;
    }

    /** The type of a file name, {@code application/octet-stream} when it has no suffix or an unknown one. */
    public static String get(String fileName) {
        return TYPES.getOrDefault(extension(fileName), DEFAULT);
    }

    /** Whether the suffix of {@code fileName} has a type. */
    public static boolean exists(String fileName) {
        return TYPES.containsKey(extension(fileName));
    }

    /** Every suffix and its type, sorted by suffix. */
    public static Map<String, String> list() {
        return new TreeMap<>(TYPES);
    }

    static String of(String fileName) {
        return get(fileName);
    }

    private static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String suffix(String suffix) {
        String s = suffix.startsWith(".") ? suffix.substring(1) : suffix;
        if (s.isEmpty() || s.indexOf('.') >= 0 || s.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a file suffix such as 'wasm', got '" + suffix + "'");
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private static String checked(String mimeType) {
        if (mimeType == null || !mimeType.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+"
                + "(\\s*;\\s*[^\\r\\n]*)?")) {
            throw new IllegalArgumentException("not a MIME type: '" + mimeType + "'");
        }
        return mimeType;
    }
}
