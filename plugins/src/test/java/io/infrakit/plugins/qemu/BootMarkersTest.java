package io.infrakit.plugins.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootMarkersTest {

    @TempDir
    Path dir;

    private void append(Path log, String text) throws Exception {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void findsAMarkerWrittenAcrossTwoLooksAndRemembersIt() throws Exception {
        BootMarkers boots = new BootMarkers();
        Path log = dir.resolve("console.log");
        assertThat(boots.booted("vm", log, "guest is up")).isFalse(); // no log yet
        append(log, "booting...\nguest is");
        assertThat(boots.booted("vm", log, "guest is up")).isFalse();
        append(log, " up\n");
        assertThat(boots.booted("vm", log, "guest is up")).isTrue();
        Files.delete(log);
        assertThat(boots.booted("vm", log, "guest is up")).isTrue();
        boots.forget("vm");
        assertThat(boots.booted("vm", log, "guest is up")).isFalse();
    }

    @Test
    void indexOfFindsBytes() {
        assertThat(BootMarkers.indexOf("abcabd".getBytes(StandardCharsets.UTF_8), "abd".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(3);
        assertThat(BootMarkers.indexOf("ab".getBytes(StandardCharsets.UTF_8), "abc".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(-1);
    }
}
