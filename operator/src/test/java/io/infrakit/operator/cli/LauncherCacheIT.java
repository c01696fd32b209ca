package io.infrakit.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./infrakit} launcher on a JDK 25: an ahead-of-time cache that cannot be made or used never stops a
 * command. Runs a copy of the launcher beside a copy of the built jar, so that the markers it leaves stay here.
 * Needs a JDK 25 or later (INFRAKIT_TEST_JDK25, a java binary, or Temurin 25's Debian path); skipped without one.
 */
class LauncherCacheIT {

    private static final Path MODULE = Path.of(System.getProperty("user.dir"));

    @TempDir
    Path root;

    private Path java25;
    private Path target;

    @BeforeEach
    void copyLauncher() throws IOException {
        String named = System.getenv("INFRAKIT_TEST_JDK25");
        Path jdk = named != null ? Path.of(named).getParent().getParent()
                : Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        assumeTrue(Files.isExecutable(jdk.resolve("bin/java")), "no JDK 25 at " + jdk);
        Path jar = MODULE.resolve("target/infrakit.jar");
        assumeTrue(Files.isRegularFile(jar), "the jar is built in the package phase");
        // A JDK whose training runs fail and whose other runs are the real JVM's.
        Path fake = Files.createDirectories(root.resolve("jdk/bin"));
        Files.copy(jdk.resolve("release"), root.resolve("jdk/release"));
        java25 = fake.resolve("java");
        Files.writeString(java25, "#!/bin/sh\n"
                + "case \"$*\" in *__cds-training*) echo training failed >&2; exit 1;; esac\n"
                + "exec '" + jdk.resolve("bin/java") + "' \"$@\"\n");
        Files.setPosixFilePermissions(java25, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String dir : List.of("store", "plugins", "operator/target", "deploy")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("pom.xml"), "");
        Files.copy(MODULE.resolveSibling("infrakit"), root.resolve("infrakit"));
        Files.copy(MODULE.resolveSibling("deploy/jvm.options"), root.resolve("deploy/jvm.options"));
        target = root.resolve("operator/target");
        Files.copy(jar, target.resolve("infrakit.jar"));
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(60)));
    }

    @Test
    void aFailedTrainingRunGivesOneHintAndTheCommandStillRuns() throws Exception {
        Run first = launch();
        assertThat(first.exit).isZero();
        assertThat(first.out).contains("Version");
        assertThat(first.err.lines().filter(l -> l.startsWith("infrakit: could not prepare"))).hasSize(1);
        assertThat(cacheFiles()).anyMatch(f -> f.endsWith(".aot.failed")).noneMatch(f -> f.endsWith(".aot"));

        Run second = launch(); // the marker holds until the next build: no second attempt, no second hint
        assertThat(second.exit).isZero();
        assertThat(second.err).isEmpty();
    }

    @Test
    void aCacheTheJvmCannotUseIsSkippedQuietly() throws Exception {
        String release = Files.readAllLines(root.resolve("jdk/release")).stream()
                .filter(l -> l.startsWith("JAVA_VERSION=")).findFirst().orElseThrow().split("\"")[1];
        Path cache = target.resolve("infrakit-client-" + release + ".aot");
        Files.writeString(cache, "not a cache");
        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().plusSeconds(60))); // newer than the jar

        Run run = launch();
        assertThat(run.exit).isZero();
        assertThat(run.out).contains("Version");
        assertThat(run.err).isEmpty();
    }

    private List<String> cacheFiles() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    private Run launch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("infrakit").toString(), "version");
        Map<String, String> env = pb.environment();
        env.put("INFRAKIT_JAVA", java25.toString());
        env.remove("INFRAKIT_CDS");
        env.remove("INFRAKIT_JAVA_OPTS");
        pb.redirectError(root.resolve("err.txt").toFile()).redirectOutput(root.resolve("out.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(root.resolve("out.txt")),
                Files.readString(root.resolve("err.txt")));
    }

    private record Run(int exit, String out, String err) {
    }
}
