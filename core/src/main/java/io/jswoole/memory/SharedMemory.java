package io.jswoole.memory;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.log.Log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where {@link Table}, {@link Atomic}, {@link AtomicLong} and {@link Lock} keep their memory, and the rules that
 * let several processes share it.
 * <p><b>Master and workers.</b> A process without the environment variable {@value #ATTACH_ENV} is a master: the
 * first shared object it creates makes the directory {@code /dev/shm/jswoole-<pid>/}, and each object gets a file
 * there named after its kind and its name or sequence number ({@code table-0}, {@code atomic-1},
 * {@code lock-queue}...). The master gives its children {@value #ATTACH_ENV}{@code =}{@link #directory()}; a child
 * re-runs the same {@code main}, creates the same objects in the same order, and each one attaches to the file
 * of the same name instead of creating it.
 * <p><b>Sealing.</b> The server calls {@link #seal()} in {@code start()}. After it, creating a table throws (as in
 * Swoole, tables must exist before the workers do); an atomic or lock created after it is local to its process.
 * <p><b>Cleanup.</b> The master removes its files when an object is destroyed, in {@link #removeSegments()} and
 * in a JVM shutdown hook. A master killed with {@code kill -9} leaves its directory behind; the next master
 * removes directories whose pid is no longer alive.
 * <p>Without /dev/shm, or with {@code -D}{@value #ANONYMOUS_PROPERTY}{@code =true}, segments are anonymous memory
 * of this process alone (enough for the BASE and THREAD modes).
 */
public final class SharedMemory {
    /** Environment variable naming the master's segment directory, set by the master for its children. */
    public static final String ATTACH_ENV = "JSWOOLE_SHM_ATTACH";
    /** System property that forces anonymous (single-process) segments. */
    public static final String ANONYMOUS_PROPERTY = "jswoole.shm.anonymous";

    private static final Path SHM_ROOT = Path.of("/dev/shm");
    private static final Pattern STALE_DIR = Pattern.compile("jswoole-(\\d+)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final long PID = ProcessHandle.current().pid();

    private static final Object LOCK = new Object();
    private static final Map<String, Integer> SEQUENCES = new HashMap<>();
    private static final List<Segment> OWNED = new ArrayList<>();
    private static volatile boolean sealed;
    private static Path masterDirectory;
    private static boolean hookInstalled;

    private SharedMemory() {
    }

    /**
     * Called by the server in {@code start()}: from now on tables cannot be created, and new atomics and locks
     * are local to this process.
     */
    public static void seal() {
        sealed = true;
    }

    /**
     * Called by the server when the last server of this JVM has stopped: tables may be created again (for the next
     * server, as in a test suite that starts several).
     */
    public static void unseal() {
        sealed = false;
    }

    /** True once {@link #seal()} was called. */
    public static boolean sealed() {
        return sealed;
    }

    /** True in a child process, which attaches to its master's segments instead of creating them. */
    public static boolean attaching() {
        return attachDirectory() != null;
    }

    /**
     * The directory holding this process's shared segments: the master's (created on demand) or, in a child,
     * the one named by {@value #ATTACH_ENV}. {@code null} when segments are anonymous.
     */
    public static Path directory() {
        Path attach = attachDirectory();
        if (attach != null) {
            return attach;
        }
        if (anonymous()) {
            return null;
        }
        synchronized (LOCK) {
            return masterDirectory();
        }
    }

    /**
     * Unmaps and removes every segment this process created (a child removes nothing), then the directory.
     * Objects using them must not be used afterwards. Also run by a JVM shutdown hook.
     */
    public static void removeSegments() {
        List<Segment> segments;
        Path dir;
        synchronized (LOCK) {
            segments = new ArrayList<>(OWNED);
            dir = masterDirectory;
            masterDirectory = null;
        }
        for (Segment s : segments) {
            s.close();
        }
        if (dir != null) {
            deleteTree(dir);
        }
    }

    /** Checks a user-given object name: 1 to 64 characters among letters, digits, '_', '.' and '-'. */
    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid shared object name '" + name
                    + "': use 1 to 64 letters, digits, '_', '.' or '-'");
        }
        return name;
    }

    /**
     * Opens the segment of an object of {@code kind}: attached in a child, created in the master, anonymous
     * without /dev/shm or after {@link #seal()} when {@code localAfterSeal}. {@code name} null means the next
     * sequence number of that kind.
     */
    static Segment open(String kind, String name, long bytes, boolean localAfterSeal) {
        if (sealed) {
            if (!localAfterSeal) {
                throw new SwooleException(ErrorCode.WRONG_OPERATION,
                        "tables must be created before Server.start()");
            }
            return anonymousSegment(kind + "-local", bytes);
        }
        String id;
        synchronized (LOCK) {
            if (name == null) {
                int seq = SEQUENCES.merge(kind, 1, Integer::sum) - 1;
                id = kind + "-" + seq;
            } else {
                id = kind + "-" + checkName(name);
            }
        }
        Path attach = attachDirectory();
        if (attach != null) {
            return attachSegment(id, attach.resolve(id), bytes);
        }
        if (anonymous()) {
            return anonymousSegment(id, bytes);
        }
        return createSegment(id, bytes);
    }

    /** Test hook: undoes {@link #seal()}. */
    static void unsealForTests() {
        sealed = false;
    }

    static void forget(Segment segment) {
        synchronized (LOCK) {
            OWNED.remove(segment);
        }
    }

    private static Segment anonymousSegment(String id, long bytes) {
        Arena arena = Arena.ofShared();
        MemorySegment memory = arena.allocate(bytes, 64);
        memory.fill((byte) 0);
        return new Segment(id, memory, arena, null, true);
    }

    private static Segment createSegment(String id, long bytes) {
        Path file;
        synchronized (LOCK) {
            file = masterDirectory().resolve(id);
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), bytes - 1);
            MemorySegment memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            Segment segment = new Segment(id, memory, arena, file, true);
            synchronized (LOCK) {
                OWNED.add(segment);
            }
            return segment;
        } catch (FileAlreadyExistsException e) {
            arena.close();
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "shared object '" + id + "' already exists in "
                    + file.getParent() + ": give each table, atomic and lock its own name");
        } catch (IOException e) {
            arena.close();
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "cannot create shared segment " + file + ": " + e, e);
        }
    }

    private static Segment attachSegment(String id, Path file, long bytes) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size != bytes) {
                throw new SwooleException(ErrorCode.WRONG_OPERATION, "shared object '" + id + "' in "
                        + file.getParent() + " has " + size + " bytes, this process expects " + bytes
                        + ": create the same tables, atomics and locks, with the same sizes, in every process");
            }
            MemorySegment memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            return new Segment(id, memory, arena, file, false);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "no shared object '" + id + "' in "
                    + file.getParent() + ": the master did not create it; create tables, atomics and locks "
                    + "in the same order in every process, before Server.start()");
        } catch (IOException e) {
            arena.close();
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "cannot attach shared segment " + file + ": " + e, e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Path attachDirectory() {
        String env = System.getenv(ATTACH_ENV);
        return env == null || env.isBlank() ? null : Path.of(env);
    }

    private static boolean anonymous() {
        return Boolean.getBoolean(ANONYMOUS_PROPERTY) || !Files.isDirectory(SHM_ROOT) || !Files.isWritable(SHM_ROOT);
    }

    /** The master's directory, created (and stale ones removed) on first use. Caller holds LOCK. */
    private static Path masterDirectory() {
        if (masterDirectory != null) {
            return masterDirectory;
        }
        removeStaleDirectories();
        Path dir = SHM_ROOT.resolve("jswoole-" + PID);
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        masterDirectory = dir;
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(SharedMemory::removeSegments, "jswoole-shm-cleanup"));
        }
        return dir;
    }

    private static void removeStaleDirectories() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(SHM_ROOT, "jswoole-*")) {
            for (Path p : entries) {
                Matcher m = STALE_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p) && Files.isWritable(p)) {
                    long pid = Long.parseLong(m.group(1));
                    if (pid != PID && !OwnerLock.alive(pid)) {
                        Log.info("removing shared memory of dead process " + pid + ": " + p);
                        deleteTree(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.debug("cannot scan " + SHM_ROOT + " for stale segments: " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            Log.warning("cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
