package io.jswoole.http;

import io.jswoole.server.SettingValues;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP and WebSocket setting keys, which {@link HttpServer#set} takes out before passing the rest to
 * {@link io.jswoole.server.Server#set}. Every key is validated when {@code set()} runs: a wrong type or an
 * out-of-range value throws an {@link IllegalArgumentException} naming the key; a key that is accepted is
 * honoured. Aliases are stored under their canonical name.
 * <p>Besides Swoole's keys there are seven jswoole keys for the hardening limits: {@code http_max_request_line}
 * (bytes, 8K), {@code http_max_header_size} (bytes, 8K), {@code http_max_header_count} (headers, 2,000),
 * {@code http_header_timeout} (seconds, 10), {@code http_body_timeout} (seconds, 60), {@code http_max_pipeline}
 * (requests in flight per connection, 32) and {@code http_extra_methods} (method tokens served besides the known
 * ones, {@link HttpConfig#KNOWN_METHODS}).
 */
public final class HttpSettings {
    enum Type { BOOL, INT, SIZE, SECONDS, STRING, STRINGS }

    record Key(String name, Type type, long min, long max, boolean websocket) {
    }

    private static final Map<String, Key> KEYS = new HashMap<>();
    private static final Map<String, String> ALIASES = new HashMap<>();
    private static final Map<String, String> LATER = new HashMap<>();

    static {
        http("http_parse_post", Type.BOOL);
        http("http_parse_cookie", Type.BOOL);
        http("http_parse_files", Type.BOOL);
        http("http_compression", Type.BOOL);
        http("http_compression_level", Type.INT, 0, 9); // 0: zlib stores (Swoole takes 0)
        ALIASES.put("compression_level", "http_compression_level");
        ALIASES.put("http_gzip_level", "http_compression_level");
        http("http_compression_min_length", Type.SIZE, 0, Integer.MAX_VALUE);
        ALIASES.put("compression_min_length", "http_compression_min_length");
        http("http_compression_types", Type.STRINGS);
        ALIASES.put("compression_types", "http_compression_types");
        http("upload_tmp_dir", Type.STRING);
        http("upload_max_filesize", Type.SIZE, 0, Long.MAX_VALUE);
        http("enable_static_handler", Type.BOOL);
        http("document_root", Type.STRING);
        http("static_handler_locations", Type.STRINGS);
        http("http_index_files", Type.STRINGS);
        http("http_autoindex", Type.BOOL);
        http("max_concurrency", Type.INT, 1, Integer.MAX_VALUE);
        http("worker_max_concurrency", Type.INT, 1, Integer.MAX_VALUE);
        http("open_http_protocol", Type.BOOL);
        http("http_max_request_line", Type.SIZE, 64, 1 << 20);
        http("http_max_header_size", Type.SIZE, 256, 1 << 20);
        http("http_header_timeout", Type.SECONDS, 0, 3600);
        http("http_body_timeout", Type.SECONDS, 0, 86_400);
        http("http_max_pipeline", Type.INT, 1, 1024);
        http("http_max_header_count", Type.INT, 1, 1 << 20);
        http("http_extra_methods", Type.STRINGS);
        // OpenSwoole's request deadline (seconds, 0: none); fractions are taken
        http("max_request_execution_time", Type.SECONDS, 0, 86_400);
        ws("open_websocket_protocol", Type.BOOL);
        ws("websocket_subprotocol", Type.STRING);
        ws("websocket_compression", Type.BOOL);
        ws("open_websocket_close_frame", Type.BOOL);
        ws("open_websocket_ping_frame", Type.BOOL);
        ws("open_websocket_pong_frame", Type.BOOL);
        ws("websocket_mask", Type.BOOL);
        // HTTP/2: the SETTINGS the server advertises, in RFC 9113's ranges (6.5.2)
        http("open_http2_protocol", Type.BOOL);
        http("http2_header_table_size", Type.SIZE, 0, 0xFFFFFFFFL);
        http("http2_max_concurrent_streams", Type.INT, 1, Integer.MAX_VALUE);
        http("http2_init_window_size", Type.SIZE, 0, Integer.MAX_VALUE);
        ALIASES.put("http2_initial_window_size", "http2_init_window_size"); // OpenSwoole's name
        http("http2_max_frame_size", Type.SIZE, 16_384, 16_777_215);
        http("http2_max_header_list_size", Type.SIZE, 1, 0xFFFFFFFFL);
        http("http2_enable_push", Type.BOOL);
        LATER.put("http2_max_headers", "HTTP/2 (http_max_header_count caps HTTP/2 headers too)");
        LATER.put("url_rewrite_rules", "the static handler's URL rewriting");
    }

    private HttpSettings() {
    }

    private static void http(String name, Type type, long min, long max) {
        KEYS.put(name, new Key(name, type, min, max, false));
    }

    private static void http(String name, Type type) {
        http(name, type, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static void ws(String name, Type type) {
        KEYS.put(name, new Key(name, type, Long.MIN_VALUE, Long.MAX_VALUE, true));
    }

    /** Whether {@code name} (or its alias) is an HTTP/WebSocket key that this class validates. */
    public static boolean handles(String name) {
        return KEYS.containsKey(ALIASES.getOrDefault(name, name)) || LATER.containsKey(name);
    }

    /** The canonical names of the keys this class honours. */
    public static Set<String> keys() {
        return Set.copyOf(KEYS.keySet());
    }

    static Key key(String name, boolean websocket) {
        String owner = LATER.get(name);
        if (owner != null) {
            throw new IllegalArgumentException("setting '" + name + "' is not supported yet (it comes with "
                    + owner + ")");
        }
        Key k = KEYS.get(ALIASES.getOrDefault(name, name));
        if (k == null) {
            throw new IllegalArgumentException("unknown HTTP setting '" + name + "'");
        }
        if (k.websocket && !websocket) {
            throw new IllegalArgumentException("setting '" + name + "' needs a WebSocketServer");
        }
        return k;
    }

    /**
     * Validates HTTP keys and returns them under canonical names with typed values (Boolean, Integer, Long bytes,
     * Double seconds, String, List of String).
     *
     * @throws IllegalArgumentException naming the first bad key
     */
    static Map<String, Object> validate(Map<String, ?> in, boolean websocket) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : in.entrySet()) {
            Key k = key(e.getKey(), websocket);
            Object v = convert(k, e.getKey(), e.getValue());
            check(k, e.getKey(), v, websocket);
            out.put(k.name, v);
        }
        return out;
    }

    /** Parses a command-line value ({@code --set key=value}); lists are comma-separated. */
    public static Object parse(String name, String raw) {
        return convert(key(name, true), name, raw);
    }

    private static void check(Key k, String given, Object v, boolean websocket) {
        switch (k.name) {
            case "open_http_protocol" -> {
                if (!(Boolean) v) {
                    throw bad(given, "cannot be false on an HttpServer (use a Server for raw TCP)");
                }
            }
            case "http2_enable_push" -> {
                if ((Boolean) v) {
                    throw bad(given, "cannot be true: jswoole's HTTP/2 server has no push (nor has Swoole's a push "
                            + "API)");
                }
            }
            case "open_websocket_protocol" -> {
                if (!(Boolean) v && websocket) {
                    throw bad(given, "cannot be false on a WebSocketServer (use an HttpServer)");
                }
            }
            case "upload_tmp_dir" -> {
                if (((String) v).length() >= 220 || ((String) v).isEmpty()) {
                    throw bad(given, "must be a path of 1 to 219 characters");
                }
            }
            case "static_handler_locations" -> {
                for (Object s : (List<?>) v) {
                    if (!((String) s).startsWith("/")) {
                        throw bad(given, "entries must start with '/', got '" + s + "'");
                    }
                }
            }
            default -> {
            }
        }
    }

    private static Object convert(Key k, String given, Object v) {
        if (v == null) {
            throw bad(given, "must not be null");
        }
        return switch (k.type) {
            case BOOL -> SettingValues.toBoolean(given, v);
            case INT -> (int) SettingValues.toLong(given, v, k.min, k.max);
            case SIZE -> SettingValues.toSize(given, v, k.min, k.max);
            case SECONDS -> SettingValues.toDouble(given, v, k.min, k.max);
            case STRING -> SettingValues.toText(given, v);
            case STRINGS -> {
                List<String> out = new ArrayList<>();
                if (v instanceof String s) {
                    for (String part : s.split(",")) {
                        if (!part.isBlank()) {
                            out.add(part.trim());
                        }
                    }
                } else if (v instanceof Collection<?> c) {
                    for (Object o : c) {
                        if (!(o instanceof String s)) {
                            throw bad(given, "must be a list of strings, got an element " + describe(o));
                        }
                        out.add(s);
                    }
                } else if (v instanceof String[] a) {
                    out.addAll(List.of(a));
                } else {
                    throw bad(given, "must be a list of strings, got " + describe(v));
                }
                yield List.copyOf(out);
            }
        };
    }




    private static IllegalArgumentException bad(String key, String why) {
        return new IllegalArgumentException("setting '" + key + "' " + why);
    }

    private static String describe(Object v) {
        return SettingValues.describe(v);
    }
}
