package io.jswoole.http;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The HTTP and WebSocket settings of a server, with defaults, fixed when the server starts. */
record HttpConfig(
        boolean parsePost, boolean parseCookie, boolean parseFiles,
        boolean compression, int compressionLevel, int compressionMinLength, Set<String> compressionTypes,
        Path uploadTmpDir, long uploadMaxFilesize,
        boolean staticHandler, Path documentRoot, List<String> staticLocations, List<String> indexFiles,
        boolean autoindex,
        long packageMaxLength, long bufferOutputSize, int maxConcurrency, int workerMaxConcurrency,
        int maxRequestLine, int maxHeaderSize, int maxHeaderCount, long headerTimeoutMillis, long bodyTimeoutMillis,
        int maxPipeline, Set<String> extraMethods, String wsSubprotocol, boolean wsCompression, boolean wsCloseFrame, boolean wsPingFrame, boolean wsPongFrame,
        boolean wsMask, Http2 http2, long executionTimeMillis) {

    /**
     * {@code open_http2_protocol} and the SETTINGS it advertises ({@code http2_*}). {@code serverOn}: the server's
     * own value, which its ports inherit; {@code on}: HTTP/2 on the server or on some port of it (false: HTTP/1.1
     * only everywhere), each port deciding for itself ({@link H2Port}). Swoole's defaults, except
     * {@code http2_max_header_list_size}: Swoole advertises UINT_MAX (no cap); here it defaults to
     * {@code http_max_header_size}, so HTTP/2 heads are capped as HTTP/1.1 heads are.
     */
    record Http2(boolean on, boolean serverOn, long headerTableSize, int maxConcurrentStreams, int initialWindowSize,
                 int maxFrameSize, long maxHeaderListSize, long outputLimit) {
        /** {@code outputLimit}: the server's {@code socket_buffer_size} (8 MiB), for DATA held by flow control. */
        static Http2 from(Map<String, Object> http, Map<String, Object> server, boolean somePort) {
            boolean serverOn = (Boolean) http.getOrDefault("open_http2_protocol", false);
            return new Http2(serverOn || somePort, serverOn,
                    (Long) http.getOrDefault("http2_header_table_size", 4096L),
                    (Integer) http.getOrDefault("http2_max_concurrent_streams", 128),
                    (int) (long) (Long) http.getOrDefault("http2_init_window_size", 65_535L),
                    (int) (long) (Long) http.getOrDefault("http2_max_frame_size", 16_384L),
                    (Long) http.getOrDefault("http2_max_header_list_size",
                            http.getOrDefault("http_max_header_size", 8192L)),
                    ((Number) server.getOrDefault("socket_buffer_size", 8L << 20)).longValue());
        }
    }

    /**
     * The methods served without {@code http_extra_methods}: RFC 9110's, PATCH, WebDAV's and the others of the HTTP
     * parser Swoole's is derived from (joyent's http_parser). Methods are case-sensitive (RFC 9110 9.1): {@code get}
     * is not {@code GET}. Another method is answered 501.
     */
    static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH", "COPY", "LOCK", "MKCOL", "MOVE", "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "REPORT",
            "MKACTIVITY", "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "PURGE",
            "MKCALENDAR");
    /** A method is a token (RFC 9110 5.6.2). */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** Swoole's default {@code package_max_length}: 2 MiB. */
    static final long DEFAULT_PACKAGE_MAX_LENGTH = 2L << 20;

    /**
     * @param http   the validated HTTP keys
     * @param server the server's settings ({@code package_max_length} and {@code buffer_output_size} come from
     *               there)
     */
    static HttpConfig from(Map<String, Object> http, Map<String, Object> server) {
        return from(http, server, false);
    }

    /** As {@link #from(Map, Map)}; {@code h2Port}: some port sets {@code open_http2_protocol} true itself. */
    static HttpConfig from(Map<String, Object> http, Map<String, Object> server, boolean h2Port) {
        Object pml = server.get("package_max_length");
        String root = (String) http.get("document_root");
        boolean statics = (Boolean) http.getOrDefault("enable_static_handler", false);
        if (statics && root == null) {
            throw new IllegalArgumentException("setting 'enable_static_handler' needs 'document_root'");
        }
        if (statics && !java.nio.file.Files.isDirectory(java.nio.file.Path.of(root))) {
            // as Swoole's set() refuses it (swoole_http_server/static_handler/document_root_not_exists.phpt)
            throw new IllegalArgumentException("setting 'document_root': " + root + " does not exist or is not a "
                    + "directory");
        }
        @SuppressWarnings("unchecked")
        List<String> types = (List<String>) http.getOrDefault("http_compression_types", List.of());
        @SuppressWarnings("unchecked")
        List<String> locations = (List<String>) http.getOrDefault("static_handler_locations", List.of());
        @SuppressWarnings("unchecked")
        List<String> index = (List<String>) http.getOrDefault("http_index_files", List.of());
        int maxConcurrency = (Integer) http.getOrDefault("max_concurrency", Integer.MAX_VALUE);
        @SuppressWarnings("unchecked")
        List<String> extra = (List<String>) http.getOrDefault("http_extra_methods", List.of());
        for (String m : extra) {
            if (!TOKEN.matcher(m).matches()) {
                throw new IllegalArgumentException("setting 'http_extra_methods': '" + m + "' is not a method token");
            }
        }
        return new HttpConfig(
                (Boolean) http.getOrDefault("http_parse_post", true),
                (Boolean) http.getOrDefault("http_parse_cookie", true),
                (Boolean) http.getOrDefault("http_parse_files", false),
                (Boolean) http.getOrDefault("http_compression", true),
                (Integer) http.getOrDefault("http_compression_level", 1),
                (int) (long) (Long) http.getOrDefault("http_compression_min_length", 20L),
                types.stream().map(t -> t.toLowerCase(Locale.ROOT).trim()).collect(Collectors.toUnmodifiableSet()),
                Path.of((String) http.getOrDefault("upload_tmp_dir", "/tmp")),
                (Long) http.getOrDefault("upload_max_filesize", 0L),
                statics,
                root == null ? null : Path.of(root).toAbsolutePath().normalize(),
                locations, index,
                (Boolean) http.getOrDefault("http_autoindex", false),
                pml == null ? DEFAULT_PACKAGE_MAX_LENGTH : ((Number) pml).longValue(),
                ((Number) server.getOrDefault("buffer_output_size", (long) Integer.MAX_VALUE)).longValue(),
                maxConcurrency,
                (Integer) http.getOrDefault("worker_max_concurrency", maxConcurrency),
                (int) (long) (Long) http.getOrDefault("http_max_request_line", 8192L),
                (int) (long) (Long) http.getOrDefault("http_max_header_size", 8192L),
                (Integer) http.getOrDefault("http_max_header_count", 2000),
                millis(http.getOrDefault("http_header_timeout", 10.0)),
                millis(http.getOrDefault("http_body_timeout", 60.0)),
                (Integer) http.getOrDefault("http_max_pipeline", 32),
                Set.copyOf(extra),
                (String) http.get("websocket_subprotocol"),
                (Boolean) http.getOrDefault("websocket_compression", false),
                (Boolean) http.getOrDefault("open_websocket_close_frame", false),
                (Boolean) http.getOrDefault("open_websocket_ping_frame", false),
                (Boolean) http.getOrDefault("open_websocket_pong_frame", false),
                (Boolean) http.getOrDefault("websocket_mask", false),
                Http2.from(http, server, h2Port),
                millis(http.getOrDefault("max_request_execution_time", 0.0)));
    }

    private static long millis(Object seconds) {
        return Math.round(((Number) seconds).doubleValue() * 1000);
    }

    /** Whether requests with {@code method} are served (else 501). */
    boolean knownMethod(String method) {
        return KNOWN_METHODS.contains(method) || extraMethods.contains(method);
    }

    /** Whether a response of this content type may be compressed ({@code http_compression_types}). */
    boolean compressible(String contentType) {
        if (compressionTypes.isEmpty()) {
            return true;
        }
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String base = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return compressionTypes.contains(base);
    }
}
