package io.infrakit.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.vagrant.VagrantSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How the tool plugins' options become their settings. */
class PluginOptionsTest {

    @TempDir
    Path dir;

    @CommandLine.Command(name = "probe")
    static final class Probe {
        @CommandLine.Mixin
        PluginOptions plugins;
    }

    private PluginOptions parse(String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        return p.plugins;
    }

    @Test
    void vagrantSettingsFromTheOptions() throws Exception {
        Path template = Files.writeString(dir.resolve("Vagrantfile.tpl"), "# {{.ID}}\n");
        VagrantSettings s = parse("--vagrant-dir", dir.resolve("m").toString(), "--vagrant-bin", "/opt/vagrant",
                "--vagrant-template", template.toString(), "--vagrant-status-interval", "5s",
                "--docker-host", "unix:///tmp/d.sock").vagrantSettings();
        assertThat(s.directory()).isEqualTo(dir.resolve("m"));
        assertThat(s.binary()).isEqualTo("/opt/vagrant");
        assertThat(s.template()).isEqualTo("# {{.ID}}\n");
        assertThat(s.statusInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.environment()).containsEntry("DOCKER_HOST", "unix:///tmp/d.sock");

        assertThat(parse("--vagrant-dir", dir.toString()).vagrantSettings().statusInterval())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aStatusIntervalUnderASecondIsRefused() {
        assertThatThrownBy(() -> parse("--vagrant-status-interval", "200ms"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("less than 1s");
        assertThatThrownBy(() -> parse("--vagrant-status-interval", "soon"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("Go duration");
    }

    @Test
    void terraformDirectoryAndBinaryFromTheOptions() {
        PluginOptions o = parse("--terraform-dir", dir.toString(), "--terraform-bin", "/usr/bin/terraform");
        assertThat(o.terraformDir()).isEqualTo(dir);
        assertThat(o.terraformBinary()).isEqualTo("/usr/bin/terraform");
    }
}
