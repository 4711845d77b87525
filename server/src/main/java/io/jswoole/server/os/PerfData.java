package io.jswoole.server.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The heap of another JVM on this machine, from the performance counters HotSpot publishes in
 * {@code /tmp/hsperfdata_<user>/<pid>} (on by default, {@code -XX:-UsePerfData} turns them off): the file
 * {@code jstat -gc} reads. The master reads its worker JVMs' heap there without asking them anything.
 * <pre>
 * prologue (32 bytes):  magic CAFEC0C0 (big-endian) | byte_order (0 big, 1 little) | major | minor | accessible
 *                       | used (int) | overflow (int) | mod_time_stamp (long) | entry_offset (int) | num_entries (int)
 * entry:                entry_length | name_offset | vector_length (ints) | data_type | flags | data_units
 *                       | data_variability (bytes) | data_offset (int); the name is NUL-terminated at entry +
 *                       name_offset, a scalar long ('J') at entry + data_offset
 * </pre>
 * The heap is the generations' spaces: {@code sun.gc.generation.0.space.*} (eden, survivors) and
 * {@code sun.gc.generation.1.space.*} (old), each with {@code used} and {@code capacity} (committed) in bytes.
 */
public final class PerfData {
    private static final int MAGIC = 0xcafec0c0;
    private static final int PROLOGUE = 32;

    public record Heap(long used, long committed) {
    }

    private PerfData() {
    }

    /** The heap of JVM {@code pid}, or null when it publishes no counters (or is gone). */
    public static Heap heap(long pid) {
        Path file = find(pid);
        if (file == null) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read the whole file: the counters are a few tens of KiB
            }
            return b.flip().remaining() < PROLOGUE ? null : parse(b);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Path find(long pid) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/tmp"), "hsperfdata_*")) {
            for (Path d : dirs) {
                Path f = d.resolve(Long.toString(pid));
                if (Files.isReadable(f)) {
                    return f;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    static Heap parse(ByteBuffer b) {
        if (b.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC) {
            return null;
        }
        b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int entry = b.getInt(24);
        int count = b.getInt(28);
        long used = 0, committed = 0;
        boolean found = false;
        for (int i = 0; i < count && entry + 20 <= b.limit(); i++) {
            int length = b.getInt(entry);
            if (length <= 0) {
                break;
            }
            String name = name(b, entry + b.getInt(entry + 4));
            boolean heapSpace = name.startsWith("sun.gc.generation.0.space.")
                    || name.startsWith("sun.gc.generation.1.space.");
            if (heapSpace && b.get(entry + 12) == 'J' && b.getInt(entry + 8) == 0) {
                long v = b.getLong(entry + b.getInt(entry + 16));
                if (name.endsWith(".used")) {
                    used += v;
                    found = true;
                } else if (name.endsWith(".capacity")) {
                    committed += v;
                }
            }
            entry += length;
        }
        return found ? new Heap(used, committed) : null;
    }

    private static String name(ByteBuffer b, int at) {
        int end = at;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.US_ASCII);
    }
}
