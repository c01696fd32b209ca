package io.infrakit.plugins.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineToolTest {

    @TempDir
    Path tmp;

    @Test
    void aRunIsLoggedInAPrivateFileWithWhatItPrinted() throws IOException {
        Path log = tmp.resolve("logs/sh.log");
        CommandLineTool sh = new CommandLineTool("sh", "--sh-bin", Map.of("GREETING", "hello"), log);
        ToolRun run = sh.run(tmp, Map.of(), Duration.ofSeconds(30), "-c", "echo $GREETING; echo oops >&2; exit 3");

        assertThat(run.ok()).isFalse();
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stdout()).isEqualTo("hello\n");
        assertThat(run.stderr()).isEqualTo("oops\n");
        assertThat(Files.getPosixFilePermissions(log.getParent())).isEqualTo(PrivateFiles.DIRECTORY);
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PrivateFiles.FILE);
        assertThat(Files.readString(log)).contains("hello").contains("oops").contains("exit 3");

        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
        sh.run(tmp, Map.of(), Duration.ofSeconds(30), "-c", "true");
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PrivateFiles.FILE);
    }

    @Test
    void aMissingBinaryNamesTheOptionThatChoosesAnother() {
        CommandLineTool missing = new CommandLineTool("no-such-tool-7f3a", "--tool-bin", Map.of(), tmp.resolve("l"));
        assertThatThrownBy(() -> missing.run(tmp, Map.of(), Duration.ofSeconds(5)))
                .isInstanceOf(PluginException.class).hasMessageContaining("no-such-tool-7f3a")
                .hasMessageContaining("--tool-bin");
    }
}
