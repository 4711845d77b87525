package io.jswoole.server;

import io.jswoole.protocol.frame.PackageLengthFunction;
import io.jswoole.server.mode.Ops;
import io.jswoole.server.reactor.Connection;
import io.jswoole.tls.SslProtocol;
import io.jswoole.server.tls.Tls;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Swoole's setting keys: validation and parsing for {@link Server#set} and {@link Port#set}.
 * <p>Every key Swoole documents is known here. A key jswoole honours is validated (type and range) and stored
 * under its canonical name (aliases such as {@code max_connection} become {@code max_conn}); a Swoole key that a
 * later part of jswoole will honour is rejected with "not supported yet"; anything else is rejected as unknown,
 * with the nearest known key as a hint. Nothing is accepted and ignored.
 */
public final class Settings {
    /** Where a key may be set: the server only, or a port (the server forwards port keys to its main port). */
    enum Scope { SERVER, PORT }

    enum Type { INT, BOOL, STRING, SIZE, DOUBLE, FUNCTION, SNI_CERTS }

    record Key(String name, Type type, long min, long max, Scope scope, Class<?> function) {
    }

    private static final Map<String, Key> KEYS = new HashMap<>();
    private static final Map<String, String> ALIASES = new HashMap<>();
    private static final Map<String, String> LATER = new HashMap<>();
    /** Swoole keys jswoole refuses for good, with the reason. */
    private static final Map<String, String> REFUSED = Map.of(
            "ssl_dhparam", "the JDK's TLS negotiates the RFC 7919 FFDHE groups itself and cannot load a DH "
                    + "parameter file (ECDHE is preferred anyway); leave the key out",
            "ssl_method", "was removed in Swoole 4.5.4; use ssl_protocols");
    private static final String HTTP_OWNER = "HttpServer / WebSocketServer (module jswoole-http); a plain Server "
            + "does not speak HTTP";
    private static final String REDIS_OWNER = "RedisServer (module jswoole-redis); a plain Server does not speak "
            + "the Redis protocol";

    static {
        server("reactor_num", Type.INT, 0, 1024);
        server("worker_num", Type.INT, 0, 4096);
        server("max_conn", Type.INT, 1, Connection.MAX_FD - 1);
        alias("max_connection", "max_conn");
        port("backlog", Type.INT, 1, 65535);
        server("enable_reuse_port", Type.BOOL);
        port("open_tcp_nodelay", Type.BOOL);
        port("tcp_defer_accept", Type.INT, 0, 3600);
        server("enable_coroutine", Type.BOOL);
        server("max_coroutine", Type.INT, 1, 10_000_000);
        alias("max_coro_num", "max_coroutine");
        server("dispatch_mode", Type.INT, 1, 10);
        KEYS.put("dispatch_func", new Key("dispatch_func", Type.FUNCTION, 0, 0, Scope.SERVER,
                DispatchFunction.class));
        server("enable_unsafe_event", Type.BOOL);
        server("discard_timeout_request", Type.BOOL);
        server("start_session_id", Type.INT, 0, Connection.MAX_FD - 1);
        server("log_file", Type.STRING);
        server("log_level", Type.INT, 0, 6);
        server("log_rotation", Type.INT, 0, 4);
        server("pid_file", Type.STRING);
        server("admin_server", Type.STRING); // host:port of /metrics and /health (module jswoole-metrics)
        // nodes sharing connections, rooms and uids through Redis (module jswoole-cluster)
        server("cluster_redis", Type.STRING);
        server("cluster_node_id", Type.STRING);
        server("cluster_heartbeat_ttl", Type.DOUBLE, 1, 3600);

        // framing (per port); FrameSpec checks the combination when a port's settings are applied
        port("open_eof_check", Type.BOOL);
        port("open_eof_split", Type.BOOL);
        port("package_eof", Type.STRING);
        port("open_length_check", Type.BOOL);
        port("package_length_type", Type.STRING);
        port("package_length_offset", Type.INT, 0, 65535);
        port("package_body_offset", Type.INT, 0, 65535);
        alias("package_body_start", "package_body_offset");
        KEYS.put("package_length_func", new Key("package_length_func", Type.FUNCTION, 0, 0, Scope.PORT,
                PackageLengthFunction.class));
        port("package_max_length", Type.SIZE, 1, Integer.MAX_VALUE);
        port("open_mqtt_protocol", Type.BOOL);
        // heartbeat and idle connections
        server("heartbeat_check_interval", Type.INT, 0, 86_400);
        port("heartbeat_idle_time", Type.INT, 0, 86_400);
        port("max_idle_time", Type.DOUBLE, 0, 86_400);
        // TCP options of accepted sockets
        port("open_tcp_keepalive", Type.BOOL);
        port("tcp_keepidle", Type.INT, 1, 32_767);
        port("tcp_keepinterval", Type.INT, 1, 32_767);
        port("tcp_keepcount", Type.INT, 1, 127);
        port("tcp_user_timeout", Type.INT, 0, Integer.MAX_VALUE);
        port("kernel_socket_recv_buffer_size", Type.SIZE, 1, Integer.MAX_VALUE);
        port("kernel_socket_send_buffer_size", Type.SIZE, 1, Integer.MAX_VALUE);
        // output and input flow control
        port("socket_buffer_size", Type.SIZE, 1, Integer.MAX_VALUE);
        port("buffer_high_watermark", Type.SIZE, 0, Integer.MAX_VALUE);
        port("buffer_low_watermark", Type.SIZE, 0, Integer.MAX_VALUE);
        server("send_yield", Type.BOOL);
        server("send_timeout", Type.DOUBLE, 0, 86_400);
        server("buffer_output_size", Type.SIZE, 1, Integer.MAX_VALUE);
        alias("output_buffer_size", "buffer_output_size");
        server("enable_delay_receive", Type.BOOL);
        later("input buffering and TCP Fast Open", "buffer_input_size", "input_buffer_size", "max_queued_bytes",
                "tcp_fastopen");
        // PROCESS mode
        server("max_request", Type.INT, 0, Integer.MAX_VALUE);
        server("max_request_grace", Type.INT, 0, Integer.MAX_VALUE);
        server("max_wait_time", Type.INT, 0, 86_400);
        server("reload_async", Type.BOOL);
        // task workers (in this JVM: BASE and THREAD mode)
        server("task_worker_num", Type.INT, 0, 4096);
        server("task_ipc_mode", Type.INT, 1, 4);
        server("task_enable_coroutine", Type.BOOL);
        server("task_use_object", Type.BOOL);
        alias("task_object", "task_use_object");
        server("user", Type.STRING);
        server("group", Type.STRING);
        server("chroot", Type.STRING);
        server("daemonize", Type.BOOL);
        server("max_memory", Type.SIZE, 0, Long.MAX_VALUE);
        server("drain_delay", Type.DOUBLE, 0, 3600);
        server("task_max_request", Type.INT, 0, Integer.MAX_VALUE);
        server("task_max_request_grace", Type.INT, 0, Integer.MAX_VALUE);
        later("the rest of the process model", "task_tmpdir", "message_queue_key",
                "event_object", "single_thread", "open_cpu_affinity", "cpu_affinity_ignore");
        later(HTTP_OWNER,
                "open_http_protocol", "open_http2_protocol", "open_websocket_protocol", "http_parse_cookie",
                "http_parse_post", "http_parse_files", "http_compression", "http_compression_level",
                "compression_level", "http_gzip_level", "http_compression_min_length", "compression_min_length",
                "http_compression_types", "compression_types", "upload_tmp_dir", "upload_max_filesize",
                "enable_static_handler", "document_root", "static_handler_locations", "http_autoindex",
                "http_index_files", "url_rewrite_rules", "max_concurrency", "worker_max_concurrency",
                "websocket_subprotocol", "websocket_compression", "open_websocket_close_frame",
                "open_websocket_ping_frame", "open_websocket_pong_frame", "websocket_mask",
                "http2_header_table_size", "http2_enable_push", "http2_max_concurrent_streams",
                "http2_init_window_size", "http2_initial_window_size", "http2_max_frame_size",
                "http2_max_header_list_size", "http2_max_headers", "max_request_execution_time");
        // TLS on ports created with SockType.SSL (Tls checks the combination at start)
        for (String k : new String[] {"ssl_cert_file", "ssl_key_file", "ssl_ciphers", "ssl_ecdh_curve",
                "ssl_client_cert_file", "ssl_cafile", "ssl_capath"}) {
            port(k, Type.STRING);
        }
        port("ssl_protocols", Type.INT, 0, SslProtocol.ALL | SslProtocol.DTLS);
        port("ssl_prefer_server_ciphers", Type.BOOL);
        port("ssl_verify_peer", Type.BOOL);
        port("ssl_allow_self_signed", Type.BOOL);
        port("ssl_verify_depth", Type.INT, 0, 100);
        port("ssl_compress", Type.BOOL);
        port("ssl_sni_certs", Type.SNI_CERTS);
        later(REDIS_OWNER, "open_redis_protocol");
        later("coroutine runtime options", "hook_flags", "enable_preemptive_scheduler",
                "enable_deadlock_check", "c_stack_size", "stack_size", "dns_cache_expire", "dns_cache_capacity",
                "aio_core_worker_num", "aio_worker_num", "aio_max_wait_time", "aio_max_idle_time",
                "name_resolver");
        later("later diagnostics work", "log_date_format", "log_date_with_microseconds", "display_errors",
                "print_backtrace_on_error", "trace_flags", "debug_mode", "stats_file", "stats_timer_interval",
                "bootstrap", "init_arguments");
    }

    private Settings() {
    }

    private static void server(String name, Type type, long min, long max) {
        KEYS.put(name, new Key(name, type, min, max, Scope.SERVER, null));
    }

    private static void server(String name, Type type) {
        server(name, type, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static void port(String name, Type type, long min, long max) {
        KEYS.put(name, new Key(name, type, min, max, Scope.PORT, null));
    }

    private static void port(String name, Type type) {
        port(name, type, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static void alias(String alias, String name) {
        ALIASES.put(alias, name);
    }

    private static void later(String owner, String... names) {
        for (String n : names) {
            LATER.put(n, owner);
        }
    }

    /** The canonical names of every key jswoole honours now. */
    public static Set<String> supportedKeys() {
        return Collections.unmodifiableSet(KEYS.keySet());
    }

    /** The entries of validated {@code settings} whose keys have {@code scope}, in their order. */
    static Map<String, Object> ofScope(Map<String, Object> settings, Scope scope) {
        Map<String, Object> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (key(k).scope() == scope) {
                out.put(k, v);
            }
        });
        return out;
    }

    static Key key(String name) {
        Key k = KEYS.get(ALIASES.getOrDefault(name, name));
        if (k != null) {
            return k;
        }
        String refused = REFUSED.get(name);
        if (refused != null) {
            throw new IllegalArgumentException("setting '" + name + "' is refused: " + refused);
        }
        String owner = LATER.get(name);
        if (owner != null && (owner.equals(HTTP_OWNER) || owner.equals(REDIS_OWNER))) {
            throw new IllegalArgumentException("setting '" + name + "' belongs to " + owner);
        }
        if (owner != null) {
            throw new IllegalArgumentException("setting '" + name + "' is not supported yet (it comes with " + owner
                    + ")");
        }
        String near = nearest(name);
        throw new IllegalArgumentException("unknown setting '" + name + "'"
                + (near == null ? "" : " (did you mean '" + near + "'?)"));
    }

    /**
     * Validates {@code in} and returns it with canonical names and typed values (Integer, Boolean, String, Long
     * bytes for sizes, Double, or the function object).
     *
     * @throws IllegalArgumentException naming the first bad key
     */
    static Map<String, Object> validate(Map<String, ?> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : in.entrySet()) {
            Key k = key(e.getKey());
            out.put(k.name, convert(k, e.getKey(), e.getValue()));
        }
        Object ipc = out.get("task_ipc_mode");
        if (ipc != null && ((Integer) ipc == 2 || (Integer) ipc == 4)) {
            throw new IllegalArgumentException("setting 'task_ipc_mode' " + ipc + " (SysV message queue / stream) "
                    + "is not supported: jswoole has 1 (targeted) and 3 (competing)");
        }
        if (out.get("admin_server") instanceof String admin) {
            Ops.adminAddress(admin);
        }
        if (out.get("cluster_redis") instanceof String url && !url.matches("rediss?://\\S+")) {
            throw bad("cluster_redis", "must be a redis:// or rediss:// URL (such as redis://127.0.0.1:6379), got '"
                    + url + "'");
        }
        if (out.get("cluster_node_id") instanceof String id && !GlobalFd.validNode(id)) {
            throw bad("cluster_node_id", "must be 1-32 letters, digits, '-' or '_' (it prefixes global fds: a#17), "
                    + "got '" + id + "'");
        }
        Object dm = out.get("dispatch_mode");
        if (dm != null && ((Integer) dm == 6 || (Integer) dm == 7)) {
            throw new IllegalArgumentException("setting 'dispatch_mode' " + dm + (dm.equals(6)
                    ? " is Swoole's internal marker for dispatch_func; set dispatch_func instead"
                    : " (STREAM) was removed in Swoole 5"));
        }
        return out;
    }

    /**
     * Parses a command-line value ({@code --set key=value}) the way {@link Server#set} types it. String values
     * take the escapes {@code \r}, {@code \n}, {@code \t}, {@code \\} and {@code \xHH}.
     */
    public static Object parse(String name, String raw) {
        Key k = key(name);
        return switch (k.type) {
            case STRING -> unescape(raw);
            case FUNCTION -> throw new IllegalArgumentException("setting '" + name + "' takes a Java function; "
                    + "set it in code");
            case SNI_CERTS -> throw new IllegalArgumentException("setting '" + name + "' takes a map; set it in code");
            default -> convert(k, name, raw);
        };
    }

    private static Object convert(Key k, String given, Object v) {
        if (v == null) {
            throw bad(given, "must not be null");
        }
        return switch (k.type) {
            case BOOL -> SettingValues.toBoolean(given, v);
            case INT -> (int) SettingValues.toLong(given, v, k.min, k.max);
            case SIZE -> SettingValues.toSize(given, v, k.min, k.max);
            case DOUBLE -> SettingValues.toDouble(given, v, k.min, k.max);
            case STRING -> SettingValues.toText(given, v);
            case SNI_CERTS -> Tls.sniCerts(given, v);
            case FUNCTION -> {
                if (!k.function.isInstance(v)) {
                    throw bad(given, "must be a " + k.function.getSimpleName() + ", got "
                            + SettingValues.describe(v));
                }
                yield v;
            }
        };
    }

    /** PHP ini quantities: {@code 512}, {@code 64K}, {@code 2M}, {@code 1G}. */
    static long size(String given, String s) {
        return SettingValues.toSize(given, s, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static IllegalArgumentException bad(String key, String why) {
        return SettingValues.bad(key, why);
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'r' -> sb.append('\r');
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case '0' -> sb.append('\0');
                case '\\' -> sb.append('\\');
                case 'x' -> {
                    if (i + 2 >= s.length()) {
                        throw new IllegalArgumentException("bad \\x escape in '" + s + "'");
                    }
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> sb.append('\\').append(n);
            }
        }
        return sb.toString();
    }

    private static String nearest(String name) {
        List<String> all = new ArrayList<>(KEYS.keySet());
        all.addAll(ALIASES.keySet());
        all.addAll(LATER.keySet());
        all.addAll(REFUSED.keySet());
        String best = null;
        int bestD = Math.max(3, name.length() / 3) + 1;
        for (String c : all) {
            int d = distance(name, c);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
