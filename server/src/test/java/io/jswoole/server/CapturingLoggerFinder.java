package io.jswoole.server;

import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * A {@link System.LoggerFinder} of an application's own, as SLF4J's or Log4j's bridges are: prints
 * {@code CAPTURED name LEVEL message} on stdout. {@link LoggingTest} installs it in a JVM of its own.
 */
public final class CapturingLoggerFinder extends System.LoggerFinder {
    @Override
    public System.Logger getLogger(String name, Module module) {
        return new System.Logger() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public boolean isLoggable(Level level) {
                return level.getSeverity() >= Level.INFO.getSeverity();
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                if (isLoggable(level)) {
                    System.out.println("CAPTURED " + name + " " + level + " " + msg);
                }
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                log(level, bundle, params == null || params.length == 0 ? format
                        : java.text.MessageFormat.format(format, params), (Throwable) null);
            }

            @Override
            public void log(Level level, Supplier<String> msg) {
                log(level, null, msg.get(), (Throwable) null);
            }
        };
    }
}
