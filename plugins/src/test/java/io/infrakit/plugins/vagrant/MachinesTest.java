package io.infrakit.plugins.vagrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachinesTest {

    @TempDir
    Path tmp;

    @Test
    void aMachinesFilesArePrivateEvenInAnOpenDirectory() throws IOException {
        Path dir = tmp.resolve("new/vagrant");
        Machines machines = new Machines(dir);
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PrivateFiles.DIRECTORY);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        Path m = machines.prepare("db-1", "Vagrant.configure(\"2\") do |config| end\n", "echo secret", "10.0.0.5");
        assertThat(Files.getPosixFilePermissions(m)).isEqualTo(PrivateFiles.DIRECTORY);
        assertThat(Files.getPosixFilePermissions(m.resolve("Vagrantfile"))).isEqualTo(PrivateFiles.FILE);
        assertThat(Files.getPosixFilePermissions(m.resolve(Machines.LOGICAL_ID))).isEqualTo(PrivateFiles.FILE);
        assertThat(Files.getPosixFilePermissions(m.resolve("boot.sh")))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(machines.tags("db-1")).isNull(); // being made
        assertThat(machines.logicalId("db-1")).isEqualTo("10.0.0.5");

        machines.writeTags("db-1", Map.of("infrakit.group", "db"));
        assertThat(Files.getPosixFilePermissions(m.resolve(Machines.TAGS))).isEqualTo(PrivateFiles.FILE);
        assertThat(machines.tags("db-1")).containsExactly(Map.entry("infrakit.group", "db"));
        try (var entries = Files.list(m)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("Vagrantfile", "boot.sh", "ip", "tags");
        }
    }

    @Test
    void tagsTooLargeToBeTagsAreAnErrorNotRead() throws IOException {
        Machines machines = new Machines(tmp);
        Path m = machines.prepare("web-1", "", "", null);
        try (RandomAccessFile f = new RandomAccessFile(m.resolve(Machines.TAGS).toFile(), "rw")) {
            f.setLength(PrivateFiles.MAX_RECORD_BYTES + 1L); // sparse: costs no disk
        }
        assertThatThrownBy(() -> machines.tags("web-1")).isInstanceOf(PluginException.class)
                .hasMessageContaining("tags of web-1").hasMessageContaining("larger than");
    }
}
