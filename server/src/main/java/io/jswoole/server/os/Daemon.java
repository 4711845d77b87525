package io.jswoole.server.os;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import java.util.ArrayList;
import java.util.List;

/** {@code daemonize} for a JVM, which cannot fork. */
public final class Daemon {
    static final String ENV_DAEMON = "JSWOOLE_DAEMON";

    private Daemon() {
    }

    /** True in the detached copy. */
    public static boolean detached() {
        return System.getenv(ENV_DAEMON) != null;
    }

    /**
     * {@code daemonize}: Java cannot fork, so the program is started again, detached ({@code setsid}, stdin from
     * /dev/null, stdout and stderr to {@code log_file} or /dev/null), and this foreground JVM exits with status 0.
     * The detached copy runs {@code main} again and serves (it writes {@code pid_file}).
     */
    public static void relaunch(String entryClass, List<String> entryArgs, String log) {
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        if (entryClass != null) {
            cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), entryClass));
            cmd.addAll(entryArgs);
        } else {
            cmd.addAll(CommandLine.arguments().orElseThrow(() ->
                    new IllegalStateException("daemonize: cannot read this JVM's command line")));
        }
        java.io.File out = new java.io.File(log != null ? log : "/dev/null");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new java.io.File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out)).redirectErrorStream(true);
        pb.environment().put(ENV_DAEMON, "1");
        try {
            Process p = pb.start();
            System.out.println("daemonized: pid " + p.pid() + (log != null ? ", log " + log : ""));
            System.out.flush();
        } catch (java.io.IOException e) {
            throw new SwooleException(ErrorCode.INVALID_PARAMS, "daemonize: cannot start the detached copy: "
                    + e.getMessage(), e);
        }
        Runtime.getRuntime().halt(0);
    }
}
