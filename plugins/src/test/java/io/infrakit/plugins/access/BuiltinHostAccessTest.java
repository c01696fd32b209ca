package io.infrakit.plugins.access;

import static io.infrakit.plugins.access.HostRequest.Kind.COMMAND;
import static io.infrakit.plugins.access.HostRequest.Kind.COMMAND_ENV;
import static io.infrakit.plugins.access.HostRequest.Kind.DOCKER_ENGINE;
import static io.infrakit.plugins.access.HostRequest.Kind.FETCH_URL;
import static io.infrakit.plugins.access.HostRequest.Kind.GENERATED_INIT;
import static io.infrakit.plugins.access.HostRequest.Kind.HOST_LOOPBACK;
import static io.infrakit.plugins.access.HostRequest.Kind.HOST_PATH_READ;
import static io.infrakit.plugins.access.HostRequest.Kind.HOST_SCRIPT;
import static io.infrakit.plugins.access.HostRequest.Kind.INIT_LINE;
import static io.infrakit.plugins.access.HostRequest.Kind.LISTEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.maas.MaasInstancePlugin;
import io.infrakit.plugins.spi.PluginName;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each built-in says what its properties ask of the host, found in the registry by any of its names. */
class BuiltinHostAccessTest {

    @TempDir
    Path dir;

    private PluginRegistry registry() {
        return PluginRegistry.builtins(dir.resolve("f"), dir.resolve("p"), "unix:///nowhere.sock")
                .withQemu(dir.resolve("q")).withMaas(new MaasInstancePlugin.MaasSettings(null, null, "2.0"));
    }

    private List<HostRequest> instance(String name, String properties) {
        return registry().builtinInstance(PluginName.parse(name)).orElseThrow().access().orElseThrow()
                .requests(Json.parse(properties));
    }

    private List<HostRequest> flavor(String name, String properties) {
        return registry().builtinFlavor(PluginName.parse(name)).orElseThrow().access().orElseThrow()
                .requests(Json.parse(properties));
    }

    @Test
    void theProcessPluginRunsEverythingHere() {
        assertThat(instance("process", "{\"Command\":\"sleep 60\",\"Env\":{\"LD_PRELOAD\":\"/x.so\"}}"))
                .containsExactly(HostRequest.of(HOST_SCRIPT, "", ""), HostRequest.of(COMMAND, "sleep 60", "Command"),
                        HostRequest.of(COMMAND_ENV, "LD_PRELOAD", "Env.LD_PRELOAD"));
    }

    @Test
    void qemuReadsItsKernelFilesAndMayOpenTheLoopback() {
        assertThat(instance("instance-qemu", "{\"Kernel\":\"/vm/../etc/shadow\",\"Initrd\":\"/vm/i.gz\","
                + "\"Qemu\":\"/tmp/evil\",\"Network\":\"user\",\"Forwards\":[{\"Host\":\"0.0.0.0:2222\","
                + "\"Guest\":22}]}")).containsExactly(
                HostRequest.of(HOST_PATH_READ, "/etc/shadow", "Kernel"),
                HostRequest.of(HOST_PATH_READ, "/vm/i.gz", "Initrd"),
                HostRequest.of(COMMAND, "/tmp/evil", "Qemu"),
                HostRequest.of(HOST_LOOPBACK, "", "Network"),
                HostRequest.of(LISTEN, "0.0.0.0", "Forwards[0].Host"));
        assertThat(instance("qemu", "{\"Kernel\":\"k\"}")).containsExactly(HostRequest.of(HOST_PATH_READ,
                dir.getFileSystem().getPath("k").toAbsolutePath().toString(), "Kernel"));
    }

    @Test
    void flavorsSayWhatTheyFetchConnectToAndWhetherTheyWriteTheScript() {
        assertThat(flavor("vanilla", "{\"Init\":[\"id > /tmp/x\",\"echo hi\"]}")).containsExactly(
                HostRequest.of(INIT_LINE, "id > /tmp/x", "Init[0]"), HostRequest.of(INIT_LINE, "echo hi", "Init[1]"));
        assertThat(flavor("flavor-vanilla", "{\"InitScriptTemplateURL\":\"file:///etc/shadow\"}"))
                .extracting(HostRequest::kind).containsExactly(FETCH_URL, GENERATED_INIT);
        assertThat(flavor("swarm/manager", "{\"InitScriptTemplateURL\":\"http://127.0.0.1:1/x\","
                + "\"Docker\":{\"Host\":\"tcp://10.9.8.7:2375\",\"TLS\":{\"KeyFile\":\"/etc/ssl/k.pem\"}}}"))
                .containsExactly(HostRequest.of(FETCH_URL, "http://127.0.0.1:1/x", "InitScriptTemplateURL"),
                        HostRequest.of(DOCKER_ENGINE, "tcp://10.9.8.7:2375", "Docker.Host"),
                        HostRequest.of(HOST_PATH_READ, "/etc/ssl/k.pem", "Docker.TLS.KeyFile"),
                        HostRequest.of(GENERATED_INIT, "the swarm flavor's join script", ""));
        assertThat(flavor("zookeeper", "{\"Type\":\"member\"}")).extracting(HostRequest::kind)
                .containsExactly(GENERATED_INIT);
    }

    @Test
    void pluginsWhosePropertiesStayAwayFromTheHostSayNothingAndEveryNameFindsThem() {
        PluginRegistry r = registry();
        assertThat(instance("file", "{\"anything\":1}")).isEmpty();
        assertThat(instance("maas", "{\"Constraints\":{\"tags\":\"ssd\"}}")).isEmpty();
        assertThat(r.builtinInstance(PluginName.parse("docker")).orElseThrow().names())
                .isEqualTo(Set.of("docker", "instance-docker"));
        assertThat(r.builtinFlavor(PluginName.parse("swarm/worker")).orElseThrow().names())
                .isEqualTo(Set.of("swarm/worker", "flavor-swarm/worker"));
        assertThat(r.builtinInstance(PluginName.parse("instance-cloud"))).isEmpty();
        assertThat(r.builtinFlavor(PluginName.parse("swarm"))).isEmpty(); // no such plugin without its type
    }

    @Test
    void aBuiltInRegisteredWithoutAnAccountOfItsPropertiesIsKnownAsSuch() {
        PluginRegistry r = new PluginRegistry().registerInstance("custom", () -> null);
        assertThat(r.builtinInstance(PluginName.parse("custom")).orElseThrow().access()).isEmpty();
    }
}
