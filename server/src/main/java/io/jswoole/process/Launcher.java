package io.jswoole.process;

import io.jswoole.server.ChildJvm;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts a child JVM the way PROCESS mode starts its worker JVMs ({@link ChildJvm#command}: the same java,
 * flags and class path, a class-data archive per entry point and slot, a title in {@code ps}) and connects its pipe.
 * <p>The parent listens on a Unix socket in a fresh owner-only directory and hands the child its path and a
 * random token (in the environment, which other users cannot read); the first connection that presents the token
 * is the pipe, and the socket file is removed at once. A child that exits before connecting, or takes longer than
 * {@link #CONNECT_SECONDS}, fails {@code start()} with its exit status.
 */
final class Launcher {
    static final String TOKEN_ENV = "JSWOOLE_PROCESS_TOKEN";
    static final int CONNECT_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("jswoole-process-timeout").factory());
    /** Class-data archive slots in use: one JVM at a time per slot writes its archive. */
    private static final BitSet SLOTS = new BitSet();

    /** A started child: the JDK's handle and its pipe (null for {@link Process#PIPE_TYPE_NONE}). */
    record Started(java.lang.Process process, Pipe pipe) {
    }

    private Launcher() {
    }

    /**
     * Starts {@link ChildMain} with {@code args} (after the socket path it adds) in a JVM titled {@code title}; its
     * standard streams are this JVM's (as a forked child's are), and the pipe connects unless {@code pipeType} is
     * NONE.
     *
     * @param slot the archive slot (a pool's: 1,000,000 + worker id), or -1 for the lowest free one (released when
     *             the child exits)
     */
    static Started launch(String title, int slot, ClassLoader loader, int pipeType, List<String> args)
            throws IOException {
        Path dir = null;
        ServerSocketChannel listener = null;
        String token = HexFormat.of().formatHex(bytes(16));
        List<String> childArgs = new ArrayList<>();
        if (pipeType != Process.PIPE_TYPE_NONE) {
            dir = Files.createTempDirectory("jswoole-process-"); // owner-only (rwx------)
            Path sock = dir.resolve("pipe");
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(sock));
            childArgs.add(sock.toString());
        } else {
            childArgs.add("-");
        }
        childArgs.addAll(args);
        int s = slot >= 0 ? slot : takeSlot();
        java.lang.Process child;
        try {
            ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(title, s, ChildMain.class,
                    childArgs, loader)).inheritIO();
            pb.environment().put(TOKEN_ENV, token);
            child = pb.start();
        } catch (IOException | RuntimeException e) {
            release(slot, s);
            close(listener, dir);
            throw e;
        }
        child.onExit().thenRun(() -> release(slot, s));
        if (listener == null) {
            return new Started(child, null);
        }
        ServerSocketChannel l = listener;
        // the accept below ends when the child connects, exits, or takes too long: the last two close the listener
        child.onExit().thenRun(() -> close(l, null));
        ScheduledFuture<?> limit = TIMEOUTS.schedule(() -> close(l, null), CONNECT_SECONDS, TimeUnit.SECONDS);
        try {
            while (true) {
                SocketChannel ch;
                try {
                    ch = l.accept();
                } catch (ClosedChannelException e) {
                    child.destroyForcibly();
                    throw new IOException(child.isAlive() || !child.onExit().isDone()
                            ? "the child process did not connect within " + CONNECT_SECONDS + " s"
                            : "the child process exited with status " + waitStatus(child) + " before it connected");
                }
                if (presents(ch, token)) {
                    return new Started(child, new Pipe(ch, pipeType));
                }
                ch.close();
            }
        } finally {
            limit.cancel(false);
            close(l, dir);
        }
    }

    private static int waitStatus(java.lang.Process child) {
        try {
            return child.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Whether the connection's first bytes are the token (compared in constant time). */
    private static boolean presents(SocketChannel ch, String token) throws IOException {
        ByteBuffer got = ByteBuffer.allocate(token.length());
        while (got.hasRemaining()) {
            if (ch.read(got) < 0) {
                return false;
            }
        }
        return MessageDigest.isEqual(got.array(), token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static synchronized int takeSlot() {
        int s = SLOTS.nextClearBit(0);
        SLOTS.set(s);
        return s;
    }

    private static synchronized void release(int asked, int s) {
        if (asked < 0) {
            SLOTS.clear(s);
        }
    }

    private static void close(ServerSocketChannel l, Path dir) {
        try {
            if (l != null) {
                l.close();
            }
            if (dir != null) {
                Files.deleteIfExists(dir.resolve("pipe"));
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            // already gone
        }
    }

    /** In the child: connects to the parent's socket and presents the token. */
    static SocketChannel connect(String path) throws IOException {
        String token = System.getenv(TOKEN_ENV);
        if (token == null) {
            throw new IllegalStateException(TOKEN_ENV + " is not set: this JVM was not started by Process.start");
        }
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
        ByteBuffer t = ByteBuffer.wrap(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        while (t.hasRemaining()) {
            ch.write(t);
        }
        return ch;
    }
}
