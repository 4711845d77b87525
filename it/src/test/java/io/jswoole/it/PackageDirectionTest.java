package io.jswoole.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.constant.ClassDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies between packages, read from the compiled classes of every module (issue 16): the
 * protocol and application modules reach the engine only through its API ({@code io.jswoole.server}) and its
 * service-provider interface ({@code io.jswoole.server.spi}), and the engine's own sub-packages point one way.
 * A class's references are the class entries of its constant pool: every type it names in code or signatures.
 */
class PackageDirectionTest {
    private static final String SERVER = "io.jswoole.server";
    /** The modules whose compiled classes are read (every main module of the build, beside this one). */
    private static final List<String> MODULES = List.of("core", "protocol", "server", "http", "redis", "metrics",
            "client", "examples", "cli", "bench", "grpc", "cluster");
    /** Class name to the packages of the io.jswoole classes it references. */
    private static final Map<String, TreeSet<String>> REFS = new TreeMap<>();

    @BeforeAll
    static void readClasses() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        for (String module : MODULES) {
            Path classes = root.resolve(module).resolve("target/classes");
            assertTrue(Files.isDirectory(classes), classes + " is built before this module's tests");
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    read(Files.readAllBytes(f));
                }
            }
        }
        assertTrue(REFS.size() > 300, "the classes were found: " + REFS.size());
    }

    private static void read(byte[] bytes) {
        var model = ClassFile.of().parse(bytes);
        String self = model.thisClass().asSymbol().packageName() + "." + model.thisClass().asSymbol().displayName();
        var refs = REFS.computeIfAbsent(self, k -> new TreeSet<>());
        for (var entry : model.constantPool()) {
            if (entry instanceof ClassEntry ce) {
                ClassDesc d = ce.asSymbol();
                while (d.isArray()) {
                    d = d.componentType();
                }
                if (d.isClassOrInterface() && d.packageName().startsWith("io.jswoole")) {
                    refs.add(d.packageName());
                }
            }
        }
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** Every reference from a class whose package {@code from} accepts to a package {@code bad} names. */
    private static List<String> violations(java.util.function.Predicate<String> from, BiPredicate<String, String> bad) {
        List<String> found = new ArrayList<>();
        REFS.forEach((cls, pkgs) -> {
            String p = packageOf(cls);
            if (from.test(p)) {
                for (String to : pkgs) {
                    if (bad.test(p, to)) {
                        found.add(cls + " -> " + to);
                    }
                }
            }
        });
        return found;
    }

    private static boolean inServer(String pkg) {
        return pkg.equals(SERVER) || pkg.startsWith(SERVER + ".");
    }

    /** An engine package other than the API and the spi: what only the engine itself may name. */
    private static boolean engineInternal(String pkg) {
        return pkg.startsWith(SERVER + ".") && !pkg.equals(SERVER + ".spi");
    }

    @Test
    void modulesOutsideTheServerUseOnlyItsApiAndSpi() {
        assertEquals(List.of(), violations(p -> !inServer(p), (p, to) -> engineInternal(to)));
    }

    @Test
    void theSpiNamesOnlyTheApi() {
        assertEquals(List.of(), violations(p -> p.equals(SERVER + ".spi"), (p, to) -> engineInternal(to)));
    }

    @Test
    void theLeavesNameOnlyTheApi() {
        // os (signals, daemonizing, privileges, systemd, the admin socket) and tls name the API and nothing else of
        // the engine, so the engine's structure can change under them
        for (String leaf : List.of("os", "tls")) {
            assertEquals(List.of(), violations(p -> p.equals(SERVER + "." + leaf),
                    (p, to) -> engineInternal(to) && !to.equals(p)), leaf);
        }
    }

    @Test
    void onlyTheModePackageNamesTheProcessPackage() {
        // the reactors, dispatch, workers, task workers and settings work the same whether a worker is a JVM or not:
        // a worker JVM is a Worker.Remote to them, and only the mode package chooses to build the PROCESS side
        assertEquals(List.of(), violations(p -> inServer(p) && !p.equals(SERVER + ".mode")
                && !p.equals(SERVER + ".process") && !p.equals(SERVER), (p, to) -> to.equals(SERVER + ".process")));
    }

    @Test
    void theCoreModuleNamesNoNetworkPackage() {
        // core (coroutines, timers, the Table, logging) has no Netty and knows no server
        assertEquals(List.of(), violations(p -> p.equals("io.jswoole") || p.startsWith("io.jswoole.coroutine")
                || p.startsWith("io.jswoole.timer") || p.startsWith("io.jswoole.memory")
                || p.startsWith("io.jswoole.log"), (p, to) -> inServer(to) || to.startsWith("io.jswoole.protocol")));
    }
}
