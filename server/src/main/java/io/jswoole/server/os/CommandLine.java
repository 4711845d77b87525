package io.jswoole.server.os;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * This JVM's arguments (everything after the executable), for starting another JVM the same way.
 * <p>The JDK's {@code ProcessHandle.info().arguments()} reports none when {@code argv[0]} is not the executable's
 * path, which is what a process title does ({@code exec -a "jswoole: master" java ...}, as {@code ./jswoole} runs
 * the master): then they are read from {@code /proc/self/cmdline}, NUL-separated, without {@code argv[0]}.
 */
public final class CommandLine {
    private CommandLine() {
    }

    public static Optional<List<String>> arguments() {
        Optional<String[]> jdk = ProcessHandle.current().info().arguments();
        if (jdk.isPresent()) {
            return jdk.map(List::of);
        }
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            String[] all = new String(raw, Charset.defaultCharset()).split("\0");
            return all.length < 2 ? Optional.empty() : Optional.of(List.of(Arrays.copyOfRange(all, 1, all.length)));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
