package io.jswoole.log;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server log, as Swoole's: {@code log_file} (stderr when unset), {@code log_level} (DEBUG=0 ... NONE=6) and
 * {@code log_rotation} (SINGLE=0, MONTHLY=1, DAILY=2, HOURLY=3, EVERY_MINUTE=4: the file name gets a date suffix,
 * {@code server.log.20261122}, and a new file starts when the period changes).
 * <p>Lines look like {@code [2026-11-22 10:00:00 #1234.worker-0]\tWARNING\tmessage}. One lock serialises writers;
 * a line is written with one call so lines of two threads never mix.
 * <p>An application that brings a logging backend gets jswoole's entries there instead, through a {@link Sink}
 * ({@link #sink}): the server module picks the backend Netty logs to as well (see {@code server.Logging}), or,
 * when the application installed a {@link System.LoggerFinder} of its own, {@link System.Logger} ({@link #to}). An explicit
 * {@code log_file} always wins: Swoole's lines, in that file. {@code log_level} filters at the source either way.
 */
public final class Log {
    public static final int DEBUG = 0, TRACE = 1, INFO = 2, NOTICE = 3, WARNING = 4, ERROR = 5, NONE = 6;
    public static final int ROTATION_SINGLE = 0, ROTATION_MONTHLY = 1, ROTATION_DAILY = 2, ROTATION_HOURLY = 3,
            ROTATION_EVERY_MINUTE = 4;

    private static final String[] NAMES = {"DEBUG", "TRACE", "INFO", "NOTICE", "WARNING", "ERROR", "NONE"};
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter[] SUFFIX = {
            null,
            DateTimeFormatter.ofPattern("yyyyMM"),
            DateTimeFormatter.ofPattern("yyyyMMdd"),
            DateTimeFormatter.ofPattern("yyyyMMddHH"),
            DateTimeFormatter.ofPattern("yyyyMMddHHmm")};
    private static final long PID = ProcessHandle.current().pid();
    private static final ReentrantLock LOCK = new ReentrantLock();

    private static volatile int level = INFO;
    private static Path file;
    private static int rotation = ROTATION_SINGLE;
    private static String openedName;
    private static OutputStream out = System.err;
    /** Where entries go instead of Swoole's writer, or null. */
    private static volatile Sink sink;

    private Log() {
    }

    /** A logging backend that takes jswoole's entries: level ({@link #DEBUG} ... {@link #ERROR}), text, cause. */
    @FunctionalInterface
    public interface Sink {
        void log(int level, String message, Throwable cause);
    }

    /** Sends entries to {@code to} instead of Swoole's writer; {@code null}: back to the writer. */
    public static void sink(Sink to) {
        sink = to;
    }

    /** The sink in use, or {@code null} for Swoole's writer. */
    public static Sink sink() {
        return sink;
    }

    /**
     * True when the application installed a {@link System.LoggerFinder} of its own (SLF4J's
     * {@code slf4j-jdk-platform-logging}, Log4j's {@code log4j-jpl}, ...) rather than the JDK's, which writes
     * through {@code java.util.logging}.
     */
    public static boolean applicationLoggerFinder() {
        String module = System.LoggerFinder.getLoggerFinder().getClass().getModule().getName();
        return !"java.base".equals(module) && !"java.logging".equals(module);
    }

    /** A sink to {@code logger}: NOTICE becomes INFO, the other levels keep their names. */
    public static Sink to(System.Logger logger) {
        return (lvl, msg, t) -> logger.log(switch (lvl) {
            case DEBUG -> System.Logger.Level.DEBUG;
            case TRACE -> System.Logger.Level.TRACE;
            case INFO, NOTICE -> System.Logger.Level.INFO;
            case WARNING -> System.Logger.Level.WARNING;
            default -> System.Logger.Level.ERROR;
        }, msg, t);
    }

    /** Applies {@code log_file}, {@code log_level} and {@code log_rotation}; {@code file} null means stderr. */
    public static void configure(Path logFile, int logLevel, int logRotation) {
        LOCK.lock();
        try {
            closeFile();
            file = logFile;
            level = logLevel;
            rotation = logRotation;
            out = System.err;
        } finally {
            LOCK.unlock();
        }
    }

    /** Back to stderr, level INFO (for tests and for a server that stopped). */
    public static void reset() {
        configure(null, INFO, ROTATION_SINGLE);
    }

    /** Reopens the log file (what SIGRTMIN does in Swoole), for external rotation tools. */
    public static void reopen() {
        LOCK.lock();
        try {
            closeFile();
        } finally {
            LOCK.unlock();
        }
    }

    public static int level() {
        return level;
    }

    public static boolean enabled(int lvl) {
        return lvl >= level && lvl < NONE;
    }

    public static void debug(String msg) {
        log(DEBUG, msg, null);
    }

    public static void info(String msg) {
        log(INFO, msg, null);
    }

    public static void notice(String msg) {
        log(NOTICE, msg, null);
    }

    public static void warning(String msg) {
        log(WARNING, msg, null);
    }

    public static void warning(String msg, Throwable t) {
        log(WARNING, msg, t);
    }

    public static void error(String msg) {
        log(ERROR, msg, null);
    }

    public static void error(String msg, Throwable t) {
        log(ERROR, msg, t);
    }

    /** Writes one entry (the stack trace, when given, follows on the next lines of the same write). */
    public static void log(int lvl, String msg, Throwable t) {
        if (!enabled(lvl)) {
            return;
        }
        Sink to = sink;
        if (to != null) {
            to.log(lvl, msg, t);
            return;
        }
        LocalDateTime now = LocalDateTime.now();
        StringBuilder sb = new StringBuilder(96 + msg.length());
        sb.append('[').append(STAMP.format(now)).append(" #").append(PID).append('.')
                .append(Thread.currentThread().getName()).append("]\t").append(NAMES[lvl]).append('\t').append(msg)
                .append('\n');
        if (t != null) {
            StringWriter sw = new StringWriter();
            t.printStackTrace(new PrintWriter(sw));
            sb.append(sw);
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        LOCK.lock();
        try {
            target(now).write(bytes);
            out.flush();
        } catch (IOException e) {
            System.err.write(bytes, 0, bytes.length);
        } finally {
            LOCK.unlock();
        }
    }

    /** The file the current line goes to: opens the next one when the rotation period changed. */
    private static OutputStream target(LocalDateTime now) throws IOException {
        if (file == null) {
            return out;
        }
        String name = rotation == ROTATION_SINGLE ? file.toString() : file + "." + SUFFIX[rotation].format(now);
        if (!name.equals(openedName)) {
            closeFile();
            Path p = Path.of(name);
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            out = Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            openedName = name;
        }
        return out;
    }

    private static void closeFile() {
        if (openedName != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is being replaced anyway
            }
            openedName = null;
            out = System.err;
        }
    }
}
