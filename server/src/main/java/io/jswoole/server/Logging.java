package io.jswoole.server;

import io.jswoole.log.Log;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Where the log lines of a server go, jswoole's and Netty's alike, so that one console never shows two formats:
 * <ol>
 * <li>{@code log_file} set: Swoole's lines in that file (with {@code log_rotation}), Netty's among them.</li>
 * <li>The application brings a backend: jswoole logs to it as logger {@code io.jswoole}. Netty picks SLF4J or
 * Log4j 2 when they are on the class path, and jswoole follows it there; a {@link System.LoggerFinder} of the
 * application's own ({@code slf4j-jdk-platform-logging}, {@code log4j-jpl}) or a {@code java.util.logging}
 * configuration of its own (handlers other than the JDK's default console) take jswoole's entries through
 * {@link System.Logger}.</li>
 * <li>Otherwise Swoole's lines on stderr, and Netty's, which would go to {@code java.util.logging}'s console in
 * its two-line format, are written by the same writer.</li>
 * </ol>
 * {@code log_level} filters at the source in every case; a backend filters further by its own configuration.
 */
final class Logging {
    /** Held: {@code java.util.logging} keeps only weak references to its loggers, and with them their handlers. */
    private static final Logger NETTY = Logger.getLogger("io.netty");
    /** Netty writes through {@code java.util.logging} with nothing configured there: its lines come to us. */
    private static final boolean NETTY_TO_US;

    static {
        NETTY_TO_US = InternalLoggerFactory.getDefaultFactory() instanceof JdkLoggerFactory && !julConfigured()
                && NETTY.getHandlers().length == 0;
        if (NETTY_TO_US) {
            NETTY.setUseParentHandlers(false);
            NETTY.addHandler(new ToLog());
            NETTY.setLevel(Level.INFO);
        }
    }

    private Logging() {
    }

    /** Applies {@code log_file}, {@code log_level} and {@code log_rotation}, and picks where lines go. */
    static void configure(Path file, int level, int rotation) {
        Log.configure(file, level, rotation);
        Log.sink(file != null ? null : backend());
        if (NETTY_TO_US) {
            NETTY.setLevel(switch (level) {
                case Log.DEBUG, Log.TRACE -> Level.FINE;
                case Log.INFO, Log.NOTICE -> Level.INFO;
                case Log.WARNING -> Level.WARNING;
                case Log.ERROR -> Level.SEVERE;
                default -> Level.OFF;
            });
        }
    }

    /** The application's logging backend, or {@code null} for Swoole's writer. */
    private static Log.Sink backend() {
        if (Log.applicationLoggerFinder() || julConfigured()) {
            return Log.to(System.getLogger("io.jswoole"));
        }
        if (InternalLoggerFactory.getDefaultFactory() instanceof JdkLoggerFactory) {
            return null;
        }
        InternalLogger to = InternalLoggerFactory.getInstance("io.jswoole");
        return (lvl, msg, t) -> {
            switch (lvl) {
                case Log.DEBUG -> to.debug(msg, t);
                case Log.TRACE -> to.trace(msg, t);
                case Log.INFO, Log.NOTICE -> to.info(msg, t);
                case Log.WARNING -> to.warn(msg, t);
                default -> to.error(msg, t);
            }
        };
    }

    /** The application configured {@code java.util.logging}: a config file, or root handlers not the default. */
    private static boolean julConfigured() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return true;
        }
        Handler[] root = Logger.getLogger("").getHandlers();
        return !(root.length == 1 && root[0].getClass() == ConsoleHandler.class);
    }

    /** Netty's {@code java.util.logging} records, as jswoole entries. */
    private static final class ToLog extends Handler {
        private final SimpleFormatter text = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            int v = r.getLevel().intValue();
            int lvl = v >= Level.SEVERE.intValue() ? Log.ERROR : v >= Level.WARNING.intValue() ? Log.WARNING
                    : v >= Level.INFO.intValue() ? Log.INFO : Log.DEBUG;
            Log.log(lvl, r.getLoggerName() + ": " + text.formatMessage(r), r.getThrown());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
