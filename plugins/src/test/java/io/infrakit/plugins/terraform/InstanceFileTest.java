package io.infrakit.plugins.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The instance files made from InfraKit's own example properties (examples/instance/terraform at v0.5). */
class InstanceFileTest {

    /** The Properties of InfraKit's aws-two-tier group.json, in the earlier type/value form it still used. */
    private static final String AWS_TWO_TIER = """
            {"type": "aws_instance",
             "value": {"ami": "${lookup(var.aws_amis, var.aws_region)}", "instance_type": "t2.nano",
                       "key_name": "chungers-ssh", "vpc_security_group_ids": ["${aws_security_group.default.id}"],
                       "subnet_id": "${aws_subnet.default.id}",
                       "tags": {"Tier": "web", "provisioner": "infrakit-terraform-demo"},
                       "connection": {"user": "ubuntu"}}}""";

    /** The v0.5 form, as its plugin reads it: named resources, one of them the machine. */
    private static final String WITH_VOLUME = """
            {"resource": {
               "aws_instance": {"web4": {"ami": "ami-1", "instance_type": "m1.small", "private_ip": "INSTANCE_LOGICAL_ID",
                                         "user_data": "#!/bin/sh", "tags": {"InstancePlugin": "terraform"}}},
               "aws_ebs_volume": {"data": {"size": 10, "tags": {"Name": "{{ var \\"/self/instId\\" }}-data"}}}}}""";

    private static InstanceSpec spec(String properties, String logicalId) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("infrakit.group", "terraform_demo");
        tags.put("infrakit.config_sha", "abc");
        return new InstanceSpec(Json.parse(properties), tags, "sudo apt-get install -y nginx", logicalId, null);
    }

    @Test
    void infrakitsAwsExampleBecomesOneNamedResourceWithTagsAndUserData() {
        JsonNode file = InstanceFile.render("instance-1475601644", spec(AWS_TWO_TIER, null));

        JsonNode vm = file.path("resource").path("aws_instance").path("instance-1475601644");
        assertThat(file.path("resource").size()).isEqualTo(1);
        assertThat(vm.path("instance_type").asText()).isEqualTo("t2.nano");
        assertThat(vm.path("subnet_id").asText()).isEqualTo("${aws_subnet.default.id}");
        assertThat(Json.mapper().convertValue(vm.path("tags"), new TypeReference<Map<String, Object>>() { })).isEqualTo(Map.of(
                "Tier", "web", "provisioner", "infrakit-terraform-demo", "infrakit.group", "terraform_demo",
                "infrakit.config_sha", "abc", "Name", "instance-1475601644"));
        assertThat(new String(Base64.getDecoder().decode(vm.path("user_data").asText()), StandardCharsets.UTF_8))
                .isEqualTo("sudo apt-get install -y nginx");
        assertThat(InstanceFile.tags(file, "instance-1475601644")).containsEntry("infrakit.group", "terraform_demo");
        assertThat(InstanceFile.addresses(file, "instance-1475601644"))
                .containsExactly("aws_instance.instance-1475601644");
    }

    @Test
    void otherResourcesAreNamedAfterTheInstanceAndAPetGetsItsLogicalId() {
        JsonNode file = InstanceFile.render("instance-10.0.0.5", spec(WITH_VOLUME, "10.0.0.5"));

        JsonNode vm = file.path("resource").path("aws_instance").path("instance-10.0.0.5");
        assertThat(vm.path("private_ip").asText()).isEqualTo("10.0.0.5");
        assertThat(vm.path("tags").path("LogicalID").asText()).isEqualTo("10.0.0.5");
        assertThat(new String(Base64.getDecoder().decode(vm.path("user_data").asText()), StandardCharsets.UTF_8))
                .isEqualTo("#!/bin/sh\nsudo apt-get install -y nginx");
        JsonNode volume = file.path("resource").path("aws_ebs_volume").path("instance-10.0.0.5-data");
        assertThat(volume.path("tags").path("Name").asText()).isEqualTo("instance-10.0.0.5-data");
        assertThat(InstanceFile.addresses(file, "instance-10.0.0.5"))
                .containsExactly("aws_instance.instance-10.0.0.5", "aws_ebs_volume.instance-10.0.0.5-data");
        assertThat(InstanceFile.petId("10.0.0.5")).isEqualTo("instance-10_0_0_5");

        JsonNode cattle = InstanceFile.render("instance-7", spec(WITH_VOLUME, null));
        assertThat(cattle.path("resource").path("aws_instance").path("instance-7").has("private_ip")).isFalse();
    }

    @Test
    void terraformDataCarriesTagsInitAndIdsInItsInput() {
        JsonNode file = InstanceFile.render("instance-3", spec("""
                {"resource": {"terraform_data": {"vm": {"input": {"image": "busybox"}}}}}""", "db1"));

        JsonNode input = file.path("resource").path("terraform_data").path("instance-3").path("input");
        assertThat(input.path("image").asText()).isEqualTo("busybox");
        assertThat(input.path("instance_id").asText()).isEqualTo("instance-3");
        assertThat(input.path("logical_id").asText()).isEqualTo("db1");
        assertThat(input.path("init").asText()).isEqualTo("sudo apt-get install -y nginx");
        assertThat(input.path("tags").path("infrakit.group").asText()).isEqualTo("terraform_demo");

        JsonNode relabelled = InstanceFile.relabel(file, "instance-3", Map.of("infrakit.config_sha", "def"));
        assertThat(InstanceFile.tags(relabelled, "instance-3")).containsEntry("infrakit.config_sha", "def")
                .containsEntry("LogicalID", "db1");
        assertThat(InstanceFile.tags(file, "instance-3")).containsEntry("infrakit.config_sha", "abc");
    }

    @Test
    void softLayerTagsAreALowercaseList() {
        JsonNode file = InstanceFile.render("instance-9", spec("""
                {"resource": {"softlayer_virtual_guest": {"host": {"@hostname_prefix": "web", "tags": ["Env:Prod"]}}}}
                """, null));
        JsonNode vm = file.path("resource").path("softlayer_virtual_guest").path("instance-9");
        assertThat(vm.path("hostname").asText()).isEqualTo("web-9");
        assertThat(vm.has("@hostname_prefix")).isFalse();
        assertThat(Json.mapper().convertValue(vm.path("tags"), new TypeReference<List<String>>() { }))
                .contains("env:prod", "infrakit.group:terraform_demo", "name:instance-9");
        assertThat(vm.path("user_metadata").asText()).isEqualTo("sudo apt-get install -y nginx");
    }

    @Test
    void badPropertiesSayWhatIsWrong() {
        assertThatThrownBy(() -> InstanceFile.render("instance-1", spec("{}", null)))
                .isInstanceOf(PluginException.class).hasMessageContaining("resource");
        assertThatThrownBy(() -> InstanceFile.render("instance-1", spec("""
                {"resource": {"aws_instance": {"a": {}, "b": {}}}}""", null)))
                .hasMessage("zero or 1 vm instance per request: 2");
        assertThatThrownBy(() -> InstanceFile.render("instance-1", spec("""
                {"resource": {"terraform_data": {"a": {}}, "local_file": {"b": {}}}}""", null)))
                .hasMessageContaining("which resource is the instance?");
        assertThatThrownBy(() -> InstanceFile.render("instance-1", spec("""
                {"resource": {"terraform_data": {"a": {"input": "text"}}}}""", null)))
                .hasMessageContaining("\"input\" must be an object");
        assertThatThrownBy(() -> InstanceFile.render("instance-1", spec("""
                {"resource": {"terraform_data": {"a": {}}}, "output": {}}""", null)))
                .hasMessageContaining("unsupported key 'output'");
        assertThatThrownBy(() -> InstanceFile.render("instance-1", spec("{\"type\": \"aws_instance\"}", null)))
                .hasMessageContaining("no-value");
    }
}
