package io.jswoole.server.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * Swoole's {@code chroot}, {@code group} and {@code user} for a worker JVM, applied by the worker itself once it
 * has started (as root) and reached the master, in Swoole's order: supplementary groups, chroot, setgid, setuid.
 * <p>After the chroot the JVM can only open files under the new root (and after setuid only what the user may
 * read), so first it opens what it will need later: every jar of its class path (a jar stays open once opened),
 * the classes of class-path directories (loaded, not initialised) and the time-zone rules. Files the application
 * opens later resolve inside the new root, as in Swoole.
 */
public final class Privileges {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private Privileges() {
    }

    /** The ids of a user, looked up before the chroot hides /etc/passwd. */
    private record Ids(int uid, int gid) {
    }

    /**
     * Applies the settings to this JVM (a worker or task worker of PROCESS mode). Throws with the failing step
     * when one fails: a worker that cannot drop its privileges must not run.
     */
    public static void apply(String chroot, String user, String group) {
        if (chroot == null && user == null && group == null) {
            return;
        }
        Ids ids = user == null ? null : user(user);
        Integer gid = group == null ? null : group(group);
        if (gid == null && ids != null) {
            gid = ids.gid();
        }
        FunctionDescriptor intOfInt = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
        FunctionDescriptor intOfString = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
        if (user != null) {
            libc("initgroups", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    user, gid);
        } else if (gid != null) {
            libc("setgroups", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                    0L, MemorySegment.NULL);
        }
        if (chroot != null || user != null) {
            preload(); // after the chroot the files are gone, after setuid they may be unreadable
        }
        if (chroot != null) {
            libc("chroot", intOfString, chroot);
            libc("chdir", intOfString, "/");
        }
        if (gid != null) {
            libc("setgid", intOfInt, gid);
        }
        if (ids != null) {
            libc("setuid", intOfInt, ids.uid());
        }
    }

    /**
     * In the master at start(): the settings can work (the master is root, the user, group and directory
     * exist), else an {@link IllegalArgumentException} naming the key.
     */
    public static void validate(String chroot, String user, String group) {
        if (chroot == null && user == null && group == null) {
            return;
        }
        String key = chroot != null ? "chroot" : user != null ? "user" : "group";
        if (!"0".equals(uidOfThisProcess())) {
            throw new IllegalArgumentException("setting '" + key + "' needs a master running as root (workers start "
                    + "as root, then drop to it)");
        }
        if (chroot != null && !Files.isDirectory(Path.of(chroot))) {
            throw new IllegalArgumentException("setting 'chroot': " + chroot + " is not a directory");
        }
        if (user != null) {
            user(user);
        }
        if (group != null) {
            group(group);
        }
    }

    private static String uidOfThisProcess() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2]; // the effective uid
                }
            }
        } catch (java.io.IOException e) {
            // not Linux: fall through
        }
        return "?";
    }

    private static Ids user(String name) {
        MemorySegment pw = (MemorySegment) lookup("getpwnam",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS), name);
        if (pw.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("setting 'user': no user named " + name);
        }
        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }
        MemorySegment s = pw.reinterpret(24);
        return new Ids(s.get(ValueLayout.JAVA_INT, 16), s.get(ValueLayout.JAVA_INT, 20));
    }

    private static int group(String name) {
        MemorySegment gr = (MemorySegment) lookup("getgrnam",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS), name);
        if (gr.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("setting 'group': no group named " + name);
        }
        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; ... }
        return gr.reinterpret(20).get(ValueLayout.JAVA_INT, 16);
    }

    /** Opens every class-path jar and loads the classes of class-path directories, before the chroot. */
    private static void preload() {
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        try {
            // finding a resource in every entry opens every jar (and keeps it open)
            Enumeration<java.net.URL> all = loader.getResources("META-INF/MANIFEST.MF");
            while (all.hasMoreElements()) {
                all.nextElement();
            }
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path dir = Path.of(entry);
                if (Files.isDirectory(dir)) {
                    loadClasses(dir, loader);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the class path before the chroot: " + e, e);
        }
        java.time.ZoneId.systemDefault().getRules(); // tzdb.dat
    }

    private static void loadClasses(Path dir, ClassLoader loader) throws java.io.IOException {
        List<String> names = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            walk.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().equals("module-info.class"))
                    .forEach(p -> {
                        String rel = dir.relativize(p).toString();
                        names.add(rel.substring(0, rel.length() - 6).replace('/', '.'));
                    });
        }
        for (String n : names) {
            try {
                Class.forName(n, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // a class that cannot load now could not load later either
            }
        }
    }

    /** Calls an int-returning libc function (strings passed as C strings); throws with errno unless it returns 0. */
    private static void libc(String name, FunctionDescriptor fd, Object... args) {
        MethodHandle h = LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(() ->
                new IllegalStateException("libc has no " + name)), fd, Linker.Option.captureCallState("errno"));
        int rc;
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            Object[] full = new Object[args.length + 1];
            full[0] = state;
            for (int i = 0; i < args.length; i++) {
                full[i + 1] = args[i] instanceof String s ? arena.allocateFrom(s) : args[i];
            }
            rc = (int) h.invokeWithArguments(full);
            errno = (int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException(name + " failed: " + t, t);
        }
        if (rc != 0) {
            throw new IllegalStateException(name + java.util.Arrays.toString(args) + " failed: errno " + errno);
        }
    }

    /** Calls a pointer-returning libc function with one C-string argument. */
    private static Object lookup(String name, FunctionDescriptor fd, String arg) {
        MethodHandle h = LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
        try (Arena arena = Arena.ofConfined()) {
            return h.invoke(arena.allocateFrom(arg));
        } catch (Throwable t) {
            throw new IllegalStateException(name + " failed: " + t, t);
        }
    }
}
