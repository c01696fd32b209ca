package io.infrakit.operator.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The test's class path for child JVMs (operator replicas, CLI processes), with the project's own entries (build
 * output directories and SNAPSHOT jars) copied once per test JVM: a child loads classes lazily (some only at its
 * first failover), and in a working tree shared with other builds those files can be rewritten under a running
 * process. Test classes and test jars are left out (a child needs neither).
 */
public final class ClasspathSnapshot {

    private static String path;

    private ClasspathSnapshot() {
    }

    /** The class path, copied on first use and deleted when the test JVM exits. */
    public static synchronized String get() {
        if (path == null) {
            path = take();
        }
        return path;
    }

    private static String take() {
        try {
            Path dir = Files.createTempDirectory("infrakit-classpath-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "classpath-snapshot-cleanup"));
            List<String> entries = new ArrayList<>();
            int n = 0;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(entry);
                String name = p.getFileName() == null ? "" : p.getFileName().toString();
                if (name.equals("test-classes") || name.endsWith("-tests.jar")) {
                    continue;
                }
                if (Files.isDirectory(p) || name.contains("SNAPSHOT")) {
                    Path copy = dir.resolve(n++ + "-" + name);
                    copyTree(p, copy);
                    entries.add(copy.toString());
                } else {
                    entries.add(entry);
                }
            }
            return String.join(File.pathSeparator, entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the class path for child processes", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
