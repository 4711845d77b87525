package io.jswoole.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static io.jswoole.memory.TableLayout.KEY_CHUNK;
import static io.jswoole.memory.TableLayout.KEY_SIZE;
import static io.jswoole.memory.TableLayout.R_HASH;
import static io.jswoole.memory.TableLayout.R_KEY;
import static io.jswoole.memory.TableLayout.R_KEY_LEN;

/**
 * Row keys: UTF-8 bytes (1 to 63), a 64-bit hash that every process computes the same way (no random seed), and
 * comparison against a stored key eight bytes at a time.
 */
final class KeyCodec {
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long SEED = 0x6A09E667F3BCC909L;
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xC2B2AE3D27D4EB4FL;

    private KeyCodec() {
    }

    /** The key's UTF-8 bytes; a clear error when it is null, empty or longer than 63 bytes. */
    static byte[] bytes(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (b.length > TableLayout.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key is " + b.length + " bytes, longer than the maximum "
                    + TableLayout.MAX_KEY_BYTES + ": " + (key.length() > 80 ? key.substring(0, 80) + "..." : key));
        }
        return b;
    }

    /** Eight key bytes from {@code i}, little-endian, zero past the end. */
    static long chunk(byte[] k, int i) {
        if (i + 8 <= k.length) {
            return (long) LE_LONG.get(k, i);
        }
        long v = 0;
        for (int j = Math.min(k.length, i + 8) - 1; j >= i; j--) {
            v = (v << 8) | (k[j] & 0xFFL);
        }
        return v;
    }

    /** A 64-bit hash: multiply-xorshift rounds over the 8-byte chunks, then a final avalanche. */
    static long hash(byte[] k) {
        long h = SEED ^ (k.length * M2);
        for (int i = 0; i < k.length; i += 8) {
            h ^= chunk(k, i) * M1;
            h = Long.rotateLeft(h, 29) * M2;
        }
        h ^= h >>> 33;
        h *= M1;
        h ^= h >>> 29;
        h *= M2;
        return h ^ (h >>> 32);
    }

    /** True when the row at {@code row} holds this key. */
    static boolean matches(MemorySegment mem, long row, byte[] k, int hash32) {
        if (mem.get(ValueLayout.JAVA_INT, row + R_HASH) != hash32
                || mem.get(ValueLayout.JAVA_INT, row + R_KEY_LEN) != k.length) {
            return false;
        }
        for (int i = 0; i < k.length; i += 8) {
            if (mem.get(KEY_CHUNK, row + R_KEY + i) != chunk(k, i)) {
                return false;
            }
        }
        return true;
    }

    /** Writes key, length and hash into a row, zeroing the rest of the key area. */
    static void write(MemorySegment mem, long row, byte[] k, int hash32) {
        for (int i = 0; i < KEY_SIZE; i += 8) {
            mem.set(KEY_CHUNK, row + R_KEY + i, i < k.length ? chunk(k, i) : 0L);
        }
        mem.set(ValueLayout.JAVA_INT, row + R_KEY_LEN, k.length);
        mem.set(ValueLayout.JAVA_INT, row + R_HASH, hash32);
    }

    /** The key stored in a row. */
    static String read(MemorySegment mem, long row) {
        int len = mem.get(ValueLayout.JAVA_INT, row + R_KEY_LEN);
        byte[] b = new byte[Math.max(0, Math.min(len, TableLayout.MAX_KEY_BYTES))];
        MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, row + R_KEY, b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8);
    }
}
