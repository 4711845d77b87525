package io.jswoole.coroutine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link CoSystem#statvfs}: {@code statvfs(3)} through the FFM API, with Swoole's keys. {@code struct statvfs} on
 * 64-bit Linux (glibc and musl): eleven 8-byte fields, then reserved space (112 bytes in all).
 */
final class Statvfs {
    private static final String[] KEYS = {"bsize", "frsize", "blocks", "bfree", "bavail", "files", "ffree",
        "favail", "fsid", "flag", "namemax"};
    private static volatile MethodHandle call;

    private Statvfs() {
    }

    static Map<String, Long> of(String path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle h = call;
            if (h == null) {
                Linker linker = Linker.nativeLinker();
                h = linker.downcallHandle(linker.defaultLookup().find("statvfs").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                        Linker.Option.captureCallState("errno"));
                call = h;
            }
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment buf = arena.allocate(256, 8);
            int r = (int) h.invokeExact(state, arena.allocateFrom(path), buf);
            if (r != 0) {
                int errno = state.get(ValueLayout.JAVA_INT,
                        Linker.Option.captureStateLayout().byteOffset(
                                java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
                throw new IOException("statvfs(" + path + ") failed: errno " + errno);
            }
            Map<String, Long> out = new LinkedHashMap<>();
            for (int i = 0; i < KEYS.length; i++) {
                out.put(KEYS[i], buf.get(ValueLayout.JAVA_LONG, i * 8L));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("statvfs(" + path + ") failed: " + t, t);
        }
    }
}
