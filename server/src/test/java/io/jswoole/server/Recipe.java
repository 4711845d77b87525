package io.jswoole.server;

/**
 * How a test builds its server's callbacks, so that one test runs in every mode: in BASE and THREAD mode the
 * recipe builds the server in the test's JVM; in PROCESS mode each worker JVM builds it again (through
 * {@link RecipeMain}), so a recipe is a class with a public no-argument constructor whose callbacks keep no state
 * shared with the test. What the callbacks observe goes to the {@link Probe}, which the test reads in every mode.
 */
public interface Recipe {
    /** Echo: every receive is sent back. */
    final class Echo implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> x.send(fd, data));
        }
    }

    /** Sets the callbacks of {@code server}; runs in the test's JVM and, in PROCESS mode, in every worker JVM. */
    void build(Server server, Probe probe);

    /** The server this recipe builds, before its settings (a protocol's recipe makes its own server class). */
    default Server create(String host, Mode mode, SockType type) {
        return new Server(host, 0, mode, type);
    }

    /** A setting as a worker JVM reads it back from its command line (a protocol's recipe parses its own keys). */
    default Object parse(String key, String raw) {
        return Settings.parse(key, raw);
    }

    /**
     * A server in {@code mode} with {@code settings} (values that survive {@code String.valueOf} and
     * {@link Settings#parse}; a function setting belongs in {@link #build}), built by {@code recipe}.
     */
    static Server server(Mode mode, java.util.Map<String, ?> settings, Class<? extends Recipe> recipe, Probe probe) {
        return server(mode, "127.0.0.1", SockType.TCP, settings, recipe, probe);
    }

    /** {@link #server(Mode, java.util.Map, Class, Probe)} whose main port is {@code type} on {@code host}, port 0. */
    static Server server(Mode mode, String host, SockType type, java.util.Map<String, ?> settings,
            Class<? extends Recipe> recipe, Probe probe) {
        Recipe r = RecipeMain.instance(recipe);
        Server s = r.create(host, mode, type);
        s.set(settings);
        r.build(s, probe);
        // worker JVMs (PROCESS) and user processes (addProcess, any mode) build the same server again
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(recipe.getName(),
                probe.file().toString(), host, type.name(), mode.name()));
        settings.forEach((k, v) -> args.add(k + "=" + escape(String.valueOf(v))));
        s.workerEntry(RecipeMain.class, args.toArray(String[]::new));
        return s;
    }

    /** {@code v} as {@link Settings#parse} reads it back, on one line. */
    private static String escape(String v) {
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\0' -> b.append("\\0");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
