package io.infrakit.plugins.vagrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Vagrantfiles from InfraKit's example properties (examples/flavor/zookeeper/vagrant-zk.json) and templates. */
class VagrantTemplateTest {

    /** InfraKit v0.5's own default template (examples/instance/vagrant/main.go). */
    private static final String INFRAKITS_TEMPLATE = """
            Vagrant.configure("2") do |config|
              config.vm.box = "{{.Properties.Box}}"
              config.vm.hostname = "infrakit.box"
              config.vm.network "private_network"{{.NetworkOptions}}
              config.vm.provision :shell, path: "boot.sh"
              config.vm.provider :virtualbox do |vb|
                vb.memory = {{.Properties.Memory}}
                vb.cpus = {{.Properties.CPUs}}
              end
            end""";

    private static String render(String template, String properties, String logicalId) {
        VagrantProperties props = VagrantProperties.parse(Json.parse(properties));
        return new VagrantTemplate(template).render(Map.of("ID", "zk-1", "Properties", props.all(),
                "NetworkOptions", logicalId == null ? ", type: \"dhcp\"" : ", ip: \"" + logicalId + "\""));
    }

    @Test
    void infrakitsTemplateAndPropertiesGiveInfrakitsVagrantfile() {
        String file = render(INFRAKITS_TEMPLATE, "{\"Box\": \"bento/ubuntu-16.04\"}", "192.168.1.200");
        assertThat(file).contains("config.vm.box = \"bento/ubuntu-16.04\"")
                .contains("config.vm.network \"private_network\", ip: \"192.168.1.200\"")
                .contains("vb.memory = 512").contains("vb.cpus = 2");
    }

    @Test
    void theDefaultTemplateServesVirtualBoxAndDocker() {
        String file = render(VagrantTemplate.DEFAULT, "{\"Box\": \"bento/ubuntu-16.04\", \"CPUs\": 1, "
                + "\"Memory\": 1024}", null);
        assertThat(file).contains("override.vm.box = \"bento/ubuntu-16.04\"")
                .contains("override.vm.network \"private_network\", type: \"dhcp\"")
                .contains("vm.memory = 1024").contains("vm.cpus = 1")
                .contains("d.image = \"bento/ubuntu-16.04\"").contains("d.name = \"zk-1\"")
                .contains("\"--cpus=1\", \"--memory=1024m\"").doesNotContain("{{");
        assertThat(render(VagrantTemplate.DEFAULT, "{\"Image\": \"local/busybox:1\"}", null))
                .contains("d.image = \"local/busybox:1\"").contains("override.vm.box = \"\"");
    }

    @Test
    void badPropertiesAndTemplatesAreRefused() {
        assertThatThrownBy(() -> VagrantProperties.parse(Json.parse("{\"CPUs\": 2}")))
                .isInstanceOf(PluginException.class).hasMessageStartingWith("Property 'Box' must be set");
        assertThatThrownBy(() -> VagrantProperties.parse(Json.parse("{\"Box\": \"b\", \"Memory\": \"512\"}")))
                .hasMessageContaining("'Memory' must be a positive whole number");
        assertThatThrownBy(() -> render(VagrantTemplate.DEFAULT, "{\"Box\": \"x\\\"; system('id') #\"}", null))
                .hasMessageContaining("may not hold quotes");
        assertThatThrownBy(() -> render(VagrantTemplate.DEFAULT, "{\"Box\": \"#{`id`}\"}", null))
                .hasMessageContaining("may not hold quotes");
        assertThatThrownBy(() -> render("x = {{.Properties.Disk}}", "{\"Box\": \"b\", \"Disk\": {\"a\": 1}}", null))
                .hasMessageContaining("must be a plain value");
        assertThatThrownBy(() -> new VagrantTemplate("{{if .Properties.Box}}x{{end}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only fields");
        assertThat(VagrantInstancePlugin.petId("192.168.1.200")).isEqualTo("192.168.1.200");
        assertThat(VagrantInstancePlugin.petId("_db/1")).isEqualTo("pet_db-1");
    }
}
