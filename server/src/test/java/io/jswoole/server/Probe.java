package io.jswoole.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a {@link Recipe}'s callbacks report, readable by the test in every mode: in the test's JVM (BASE, THREAD,
 * the PROCESS master) an entry is kept in memory; in a worker JVM it is appended as one line to a file the test
 * names, with one {@code write} in append mode, so lines of several JVMs never mix. {@link #events} returns the
 * entries of this JVM, then those of the worker JVMs, each in the order they were added.
 */
public final class Probe implements AutoCloseable {
    private final Path file;
    private final boolean workerJvm;
    private final List<String> local = new CopyOnWriteArrayList<>();

    private Probe(Path file, boolean workerJvm) {
        this.file = file;
        this.workerJvm = workerJvm;
    }

    /** A probe for a test: worker JVMs write to a new temporary file. */
    public static Probe create() {
        try {
            return new Probe(Files.createTempFile("jswoole-probe", ".txt"), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The probe of a worker JVM, writing to {@code file}. */
    static Probe inWorkerJvm(Path file) {
        return new Probe(file, true);
    }

    Path file() {
        return file;
    }

    /** Records {@code event} (one line: no line breaks). */
    public void add(String event) {
        if (!workerJvm) {
            local.add(event);
            return;
        }
        try {
            Files.write(file, (event + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every entry so far: this JVM's, then the worker JVMs'. */
    public List<String> events() {
        List<String> all = new ArrayList<>(local);
        try {
            all.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** How many entries are {@code event}. */
    public long count(String event) {
        return events().stream().filter(event::equals).count();
    }

    @Override
    public void close() throws IOException {
        if (!workerJvm) {
            Files.deleteIfExists(file);
        }
    }
}
