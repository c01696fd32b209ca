package io.infrakit.plugins.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Addresses and durations as InfraKit writes them. */
class ValuesTest {

    @TempDir
    Path tmp;

    @Test
    void addressesInTheFormsInfraKitsClientTakes() {
        assertThat(PluginAddress.parse("/run/infrakit/plugins/group")).isEqualTo(new PluginAddress.Unix(Path.of("/run/infrakit/plugins/group")));
        assertThat(PluginAddress.parse("unix:///tmp/p")).isEqualTo(new PluginAddress.Unix(Path.of("/tmp/p")));
        assertThat(PluginAddress.parse("file:///tmp/p")).isEqualTo(new PluginAddress.Unix(Path.of("/tmp/p")));
        assertThat(PluginAddress.parse("tcp://10.0.0.1:24864")).isEqualTo(new PluginAddress.Tcp("10.0.0.1", 24864));
        assertThat(PluginAddress.parse("http://h")).isEqualTo(new PluginAddress.Tcp("h", 80));
        assertThat(PluginAddress.parse("tcp://[::1]:9")).hasToString("tcp://[::1]:9");
        assertThat(PluginAddress.parse("/x/hyperkit.listen")).isInstanceOf(PluginAddress.ListenFile.class);
        assertThatThrownBy(() -> PluginAddress.parse("https://h:1")).hasMessageContaining("only Unix socket paths");
        assertThatThrownBy(() -> PluginAddress.parse("tcp://h")).hasMessageContaining("no port");
        assertThatThrownBy(() -> PluginAddress.parse(" ")).hasMessageContaining("empty");
    }

    @Test
    void aListenFileIsReadWhenConnecting() throws Exception {
        Path file = tmp.resolve("p.listen");
        PluginAddress.ListenFile address = (PluginAddress.ListenFile) PluginAddress.parse(file.toString());

        Files.writeString(file, "tcp://127.0.0.1:1000\n");
        assertThat(address.target()).isEqualTo(new PluginAddress.Tcp("127.0.0.1", 1000));
        Files.writeString(file, "tcp://127.0.0.1:2000");
        assertThat(address.target()).isEqualTo(new PluginAddress.Tcp("127.0.0.1", 2000));
        Files.writeString(file, "ftp://nope");
        assertThatThrownBy(address::target).hasMessageContaining("does not hold an address");
    }
}
