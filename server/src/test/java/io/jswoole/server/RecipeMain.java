package io.jswoole.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The main of a worker JVM for a {@link Recipe} test in PROCESS mode (or of a user process's JVM in any mode):
 * arguments are the recipe's class, the probe's file, the main port's host, its {@link SockType}, the mode, and the
 * settings as {@code key=value}; it builds the same
 * server and starts it (a worker JVM then connects to the master instead of binding).
 */
public final class RecipeMain {
    private RecipeMain() {
    }

    public static void main(String[] args) {
        Recipe recipe;
        try {
            recipe = instance(Class.forName(args[0]).asSubclass(Recipe.class));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        for (int i = 5; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            String key = args[i].substring(0, eq);
            settings.put(key, recipe.parse(key, args[i].substring(eq + 1)));
        }
        Server s = recipe.create(args[2], Mode.valueOf(args[4]), SockType.valueOf(args[3]));
        s.set(settings);
        recipe.build(s, Probe.inWorkerJvm(Path.of(args[1])));
        s.start();
    }

    static Recipe instance(Class<? extends Recipe> recipe) {
        try {
            var c = recipe.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(recipe + " needs a no-argument constructor", e);
        }
    }
}
