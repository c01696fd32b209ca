package io.infrakit.plugins.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void directoriesAndInstanceFilesArePrivateEvenInAnOpenDirectory() throws IOException {
        Path dir = tmp.resolve("new/terraform");
        InstanceDirectory d = new InstanceDirectory(dir);
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PrivateFiles.DIRECTORY);
        assertThat(Files.getPosixFilePermissions(dir.resolve(".infrakit"))).isEqualTo(PrivateFiles.DIRECTORY);

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        d.write("instance-1", Json.parse("{\"resource\":{\"terraform_data\":{\"instance-1\":{}}}}"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("instance-1.tf.json"))).isEqualTo(PrivateFiles.FILE);
        assertThat(d.read("instance-1").path("resource").has("terraform_data")).isTrue();
        assertThat(d.instanceIds()).containsExactly("instance-1");
        try (var entries = Files.list(dir)) { // nothing but the file, its temporary renamed over it
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(".infrakit", "instance-1.tf.json");
        }
    }

    @Test
    void temporaryFilesLeftByAKilledWriteAreRemovedAtStart() throws IOException {
        Path leftover = tmp.resolve(".instance-1.tf.json.5f3a9c.tmp");
        Files.writeString(leftover, "{\"resource\":");
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        Path writing = tmp.resolve(".instance-2.tf.json.77aa.tmp"); // another process writing right now
        Files.writeString(writing, "{");

        new InstanceDirectory(tmp);
        assertThat(leftover).doesNotExist();
        assertThat(writing).exists();
    }

    @Test
    void anInstanceFileTooLargeToBeOneIsAnErrorNotRead() throws IOException {
        InstanceDirectory d = new InstanceDirectory(tmp);
        try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("instance-9.tf.json").toFile(), "rw")) {
            f.setLength(PrivateFiles.MAX_RECORD_BYTES + 1L); // sparse: costs no disk
        }
        assertThatThrownBy(() -> d.read("instance-9")).isInstanceOf(PluginException.class)
                .hasMessageContaining("instance-9.tf.json").hasMessageContaining("larger than");
        assertThat(d.addresses("instance-9")).isEmpty();
    }
}
