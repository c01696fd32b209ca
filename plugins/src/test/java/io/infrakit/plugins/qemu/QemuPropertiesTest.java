package io.infrakit.plugins.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuPropertiesTest {

    private static QemuProperties parse(String json) {
        return QemuProperties.parse(Json.parse(json));
    }

    @Test
    void defaultsAreOneCpuNoDiskNoNetwork() {
        QemuProperties p = parse("{\"Kernel\":\"/k\"}");
        assertThat(p.cpus()).isEqualTo(1);
        assertThat(p.memoryMib()).isEqualTo(QemuProperties.DEFAULT_MEMORY_MIB);
        assertThat(p.diskMib()).isZero();
        assertThat(p.network()).isEqualTo(QemuProperties.Network.NONE);
        assertThat(p.forwards()).isEmpty();
        assertThat(p.accel()).isEqualTo(QemuProperties.Accel.AUTO);
        assertThat(p.stopGrace()).isEqualTo(QemuProperties.DEFAULT_STOP_GRACE);
        assertThat(p.qemu()).isEqualTo("qemu-system-x86_64");
        assertThat(p.initrd()).isEmpty();
        assertThat(p.bootMarker()).isEmpty();
    }

    @Test
    void infraKitHyperkitNamesAreUnderstood() {
        QemuProperties p = parse("{\"kernel\":\"/k\",\"initrd\":\"/i\",\"cmdline\":\"quiet\",\"cpus\":2,"
                + "\"memory\":512,\"disk_size\":1024}");
        assertThat(p.kernel()).isEqualTo("/k");
        assertThat(p.initrd()).isEqualTo("/i");
        assertThat(p.cmdline()).isEqualTo("quiet");
        assertThat(p.cpus()).isEqualTo(2);
        assertThat(p.memoryMib()).isEqualTo(512);
        assertThat(p.diskMib()).isEqualTo(1024);
        assertThat(parse("{\"Kernel\":\"/k\",\"DiskSize\":64}").diskMib()).isEqualTo(64);
    }

    @Test
    void forwardsNeedTheUserNetworkAndDefaultToLoopback() {
        QemuProperties p = parse("{\"Kernel\":\"/k\",\"Network\":\"user\",\"Forwards\":[{\"Host\":2222,\"Guest\":22},"
                + "{\"Host\":\"0.0.0.0:8053\",\"Guest\":53,\"Protocol\":\"UDP\"}]}");
        assertThat(p.forwards()).containsExactly(new QemuProperties.Forward("127.0.0.1", 2222, 22, "tcp"),
                new QemuProperties.Forward("0.0.0.0", 8053, 53, "udp"));
        assertThatThrownBy(() -> parse("{\"Kernel\":\"/k\",\"Forwards\":[{\"Host\":2222,\"Guest\":22}]}"))
                .isInstanceOf(PluginException.class).hasMessageContaining("Properties.Forwards need \"Network\"");
        assertThatThrownBy(() -> parse("{\"Kernel\":\"/k\",\"Network\":\"user\",\"Forwards\":[{\"Host\":\"x\"}]}"))
                .hasMessageContaining("Properties.Forwards[0].Host must be a port or address:port");
        assertThatThrownBy(() -> parse("{\"Kernel\":\"/k\",\"Network\":\"user\",\"Forwards\":[{\"Host\":1}]}"))
                .hasMessageContaining("Properties.Forwards[0].Guest must be set");
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> QemuProperties.parse(null)).hasMessageContaining("Kernel");
        assertThatThrownBy(() -> parse("{}")).hasMessageContaining("Properties.Kernel must be set");
        assertThatThrownBy(() -> parse("{\"Kernel\":\"/k\",\"Memory\":\"lots\"}"))
                .hasMessageContaining("Properties.Memory must be an integer, got string");
        assertThatThrownBy(() -> parse("{\"Kernel\":\"/k\",\"CPUs\":0}"))
                .hasMessageContaining("Properties.CPUs must be between 1 and 64, got 0");
        assertThatThrownBy(() -> parse("{\"Kernel\":\"/k\",\"Network\":\"bridge\"}"))
                .hasMessageContaining("Properties.Network must be one of \"none\", \"user\", got \"bridge\"");
        assertThatThrownBy(() -> parse("{\"Kernel\":\"/k\",\"StopGrace\":\"soon\"}"))
                .hasMessageContaining("Properties.StopGrace must be a duration");
    }

    @Test
    void durationsAreGos() {
        QemuProperties p = parse("{\"Kernel\":\"/k\",\"StopGrace\":\"1m30s\",\"BootDeadline\":\"90s\","
                + "\"BootMarker\":\"up\"}");
        assertThat(p.stopGrace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.bootDeadline()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.bootMarker()).isEqualTo("up");
        assertThat(List.of(p.accel())).containsExactly(QemuProperties.Accel.AUTO);
    }
}
