package io.jswoole.server.os;

import java.util.OptionalLong;

/** A process's resident memory, as the kernel counts it. */
public final class Rss {
    private Rss() {
    }

    /** VmRSS of {@code pid} from /proc (Linux); empty elsewhere or when the process is gone. */
    public static OptionalLong of(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim();
                    return OptionalLong.of(Long.parseLong(kb.substring(0, kb.indexOf(' '))) * 1024);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
