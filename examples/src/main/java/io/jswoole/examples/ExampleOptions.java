package io.jswoole.examples;

import io.jswoole.http.HttpSettings;
import io.jswoole.server.Mode;
import io.jswoole.server.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flags every example takes: {@code --host H --port P --mode base|thread|process --set key=value ...}.
 * {@code --set} values are typed as {@code Server.set} types them and take the escapes {@code \r \n \t \xHH}.
 */
public record ExampleOptions(String host, int port, Mode mode, Map<String, Object> settings) {

    public static ExampleOptions parse(String[] args, int defaultPort) {
        String host = "127.0.0.1";
        int port = defaultPort;
        Mode mode = Mode.BASE;
        Map<String, Object> settings = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--host" -> host = need(a, v);
                case "--port" -> port = port(need(a, v));
                case "--mode" -> mode = mode(need(a, v));
                case "--set" -> {
                    String kv = need(a, v);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--set takes key=value, got '" + kv + "'");
                    }
                    String key = kv.substring(0, eq);
                    String raw = kv.substring(eq + 1);
                    settings.put(key, HttpSettings.handles(key) ? HttpSettings.parse(key, raw)
                            : Settings.parse(key, raw));
                }
                default -> throw new IllegalArgumentException("unknown flag '" + a + "'");
            }
            i++;
        }
        return new ExampleOptions(host, port, mode, settings);
    }

    private static int port(String v) {
        try {
            int port = Integer.parseInt(v);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("--port takes a number from 0 to 65535, got '" + v + "'");
    }

    private static Mode mode(String v) {
        for (Mode m : Mode.values()) {
            if (m.name().equalsIgnoreCase(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--mode takes base, thread or process, got '" + v + "'");
    }

    private static String need(String flag, String v) {
        if (v == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return v;
    }
}
