package io.jswoole.examples;

import io.jswoole.http.HttpSettings;
import io.jswoole.server.Mode;
import io.jswoole.server.Settings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The command line of the HTTP examples: {@code [host [port [base|thread|process [key=value ...]]]]}. */
record Args(String host, int port, Mode mode, Map<String, Object> settings) {
    static Args parse(String[] args, int defaultPort) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : defaultPort;
        Mode mode = args.length > 2 ? Mode.valueOf(args[2].toUpperCase(Locale.ROOT)) : Mode.BASE;
        Map<String, Object> settings = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("settings are key=value, got '" + args[i] + "'");
            }
            String k = args[i].substring(0, eq), v = args[i].substring(eq + 1);
            settings.put(k, HttpSettings.handles(k) ? HttpSettings.parse(k, v) : Settings.parse(k, v));
        }
        return new Args(host, port, mode, settings);
    }
}
