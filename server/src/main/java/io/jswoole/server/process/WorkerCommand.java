package io.jswoole.server.process;

import io.jswoole.log.Log;
import io.jswoole.server.Server;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.os.Privileges;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How the manager starts a worker JVM of PROCESS mode: its command line (the application's entry point, or this
 * JVM's own command line), its name in {@code ps}, and the class-data archive that makes replacements start faster.
 */
public final class WorkerCommand {
    /** bash, to name the worker processes; without it they keep the java command's name. */
    private static final String BASH = Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : null;

    private final int workerNum;
    private final String entryClass;
    private final List<String> entryArgs;
    private final ClassLoader entryLoader;
    /** Where worker JVMs' class-data archives go (without the worker id), or null for none. */
    private final String archivePrefix;

    /**
     * @param entryClass the workers' entry point ({@link Server#workerEntry}), or null to re-run this JVM's command
     * @param isolated   whether workers change root or user (they could not write a class-data archive)
     */
    WorkerCommand(int workerNum, String entryClass, List<String> entryArgs, ClassLoader entryLoader,
            boolean isolated) {
        this.workerNum = workerNum;
        this.entryClass = entryClass;
        this.entryArgs = entryArgs;
        this.entryLoader = entryLoader;
        this.archivePrefix = findArchivePrefix(ManagementFactory.getRuntimeMXBean().getInputArguments(), entryClass,
                isolated);
    }

    /**
     * How {@code server}'s worker JVMs and user processes start: its {@link Server#workerEntry}, else this JVM's own
     * command line, which must then be one that runs the program.
     *
     * @throws IllegalStateException when jswoole was loaded by a class loader the command line does not recreate
     */
    static WorkerCommand of(Server server, int workerNum) {
        WorkerEntry entry = ServerAccess.entry(server);
        if (entry.className() == null && Server.class.getClassLoader() != ClassLoader.getSystemClassLoader()) {
            throw new IllegalStateException("jswoole starts its worker and user-process JVMs with this JVM's command "
                    + "line, but it was loaded by " + Server.class.getClassLoader() + " (mvn exec:java, an IDE's or an "
                    + "application server's class loader), so that command line does not run this program: call "
                    + "server.workerEntry(YourMain.class, args) before start()");
        }
        return new WorkerCommand(workerNum, entry.className(), entry.args(), entry.loader(),
                ServerAccess.config(server).isolated());
    }

    /**
     * The worker's command line: the entry point when one was given, else this JVM's own command line, named
     * {@code jswoole: worker #N} in {@code ps} (through bash's {@code exec -a}). It starts as the master's user;
     * {@code chroot}, {@code group} and {@code user} are applied by the worker itself ({@link Privileges}).
     */
    List<String> line(int id) {
        return line(id, id < workerNum ? "jswoole: worker #" + id : "jswoole: task #" + (id - workerNum));
    }

    /**
     * The command line of another JVM started as worker JVMs are (the same java, flags and class path, a class-data
     * archive of its own per {@code mainClass} and {@code slot}), running {@code mainClass} with {@code args} and
     * named {@code title} in {@code ps}: {@code io.jswoole.process} starts its child processes with it (through the
     * API's {@link io.jswoole.server.ChildJvm}). One JVM at
     * a time may use a {@code slot} (it writes that slot's archive when it exits).
     */
    public static List<String> childJvm(String title, int slot, Class<?> mainClass, List<String> args,
            ClassLoader loader) {
        return new WorkerCommand(0, mainClass.getName(), args, loader, false).line(slot, title);
    }

    List<String> line(int id, String title) {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        if (BASH != null) {
            cmd.add(BASH);
            cmd.add("-c");
            cmd.add("exec -a \"$0\" \"$@\"");
            cmd.add(title);
        }
        cmd.add(java);
        cmd.addAll(sharedArchive(id));
        // a small first heap: a worker's heap grows with what it keeps, instead of starting at 1/64 of the
        // machine's memory and touching all of its young generation (an -Xms of the command line comes later
        // and wins)
        cmd.add("-Xms8m");
        // Netty uses sun.misc.Unsafe on JDK 24+ only when allowed; without it its first use costs ~140 ms more
        // (measured), which a replacement worker would add to its start
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        if (entryClass != null) {
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            // what this JVM may have from an executable jar's manifest (Add-Opens, Enable-Native-Access), which
            // the command line does not show and -cp does not read: start() checked the first, it holds here
            cmd.add("--add-opens");
            cmd.add("java.base/java.lang=ALL-UNNAMED");
            if (WorkerCommand.class.getModule().isNativeAccessEnabled()) {
                cmd.add("--enable-native-access=ALL-UNNAMED");
            }
            cmd.add("-cp");
            cmd.add(classPath(entryLoader));
            cmd.add(entryClass);
            cmd.addAll(entryArgs);
        } else {
            cmd.addAll(io.jswoole.server.os.CommandLine.arguments().orElseThrow(() ->
                    new IllegalStateException("cannot read this JVM's command line; use Server.workerEntry")));
        }
        return cmd;
    }

    /**
     * The class path that loads {@code loader}'s classes in a new JVM: the jars and directories of the URL class
     * loaders between it and the application class loader (mvn exec:java and IDE runners load the program
     * through one), outermost first, then this JVM's own class path.
     */
    public static String classPath(ClassLoader loader) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (ClassLoader l = loader; l != null && l != ClassLoader.getSystemClassLoader()
                && l != ClassLoader.getPlatformClassLoader(); l = l.getParent()) {
            if (l instanceof java.net.URLClassLoader u) {
                java.net.URL[] urls = u.getURLs();
                for (int i = urls.length - 1; i >= 0; i--) {
                    if ("file".equals(urls[i].getProtocol())) {
                        try {
                            parts.addFirst(Path.of(urls[i].toURI()).toString());
                        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                            Log.debug("class path entry " + urls[i] + " skipped: " + e);
                        }
                    }
                }
            }
        }
        if (parts.isEmpty()) {
            return System.getProperty("java.class.path"); // as it is (an empty entry means the working directory)
        }
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(parts);
        all.addAll(List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
        all.remove("");
        return String.join(java.io.File.pathSeparator, all);
    }

    /**
     * AppCDS for worker JVMs: the first worker to exit cleanly writes the classes it loaded to an archive (JDK 19+
     * {@code AutoCreateSharedArchive}), and later workers, replacements included, map it instead of loading
     * those classes again. One archive per JDK, class path, command and worker id (one writer per file); none
     * when the command already chooses its class-data sharing or starts JFR (a JVM that will write an archive
     * has no JFR), when the class path has directories (CDS archives jars only), or when workers change root or
     * user (they could not write it). Worked out once per master: {@link #archivePrefix}, null for none.
     */
    private List<String> sharedArchive(int id) {
        if (archivePrefix == null) {
            return List.of();
        }
        // quiet: the dump lists the classes it skips, and with --enable-native-access the JDK reports that it
        // cannot use its archived module graph (the archived classes still load)
        return List.of("-XX:SharedArchiveFile=" + archivePrefix + "-" + id + ".jsa", "-XX:+AutoCreateSharedArchive",
                "-Xlog:cds*=off", "-Xlog:aot*=off");
    }

    /** The archives' path without the worker id, or null when workers get none (see {@link #sharedArchive}). */
    private static String findArchivePrefix(List<String> jvmArgs, String entryClass, boolean isolated) {
        boolean directories = java.util.Arrays.stream(System.getProperty("java.class.path").split(
                java.io.File.pathSeparator)).anyMatch(e -> Files.isDirectory(Path.of(e)));
        if (directories || isolated
                || jvmArgs.stream().anyMatch(a -> a.startsWith("-Xshare") || a.contains("SharedArchiveFile")
                        || a.contains("FlightRecord"))) {
            return null;
        }
        String key = System.getProperty("java.home") + "|" + System.getProperty("java.vm.version") + "|"
                + System.getProperty("java.class.path") + "|" + entryClass + "|"
                + io.jswoole.server.os.CommandLine.arguments().orElse(List.of());
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "jswoole-cds-" + System.getProperty("user.name"));
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            forgetOldArchives(dir);
            return dir.resolve(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 12)).toString();
        } catch (IOException | java.security.NoSuchAlgorithmException | UnsupportedOperationException e) {
            // no writable owner-only directory (or not a POSIX file system): workers simply start without one
            Log.info("worker JVMs start without a class-data archive: " + e);
            return null;
        }
    }

    /**
     * Archives are kept per command line, so a machine that runs many (other ports, other settings) collects them:
     * those not written for a week go (a worker that finds none starts without, and writes a new one).
     */
    private static void forgetOldArchives(Path dir) {
        long weekAgo = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(7);
        try (var files = Files.list(dir)) {
            files.filter(f -> f.toString().endsWith(".jsa")).forEach(f -> {
                try {
                    if (Files.getLastModifiedTime(f).toMillis() < weekAgo) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException e) {
                    // another master removed it, or it is not ours to remove
                }
            });
        } catch (IOException e) {
            Log.debug("cannot list " + dir + ": " + e);
        }
    }
}
