package io.infrakit.plugins.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading what OpenTofu leaves: its error blocks on stderr and its state file (samples from OpenTofu 1.6.2). */
class TofuOutputTest {

    private static final String STDERR = """

            Error: local-exec provisioner error

              with terraform_data.instance-3,
              on instance-3.tf.json line 2, in resource.terraform_data.instance-3.provisioner[0].local-exec:
               2:  "provisioner":[{"local-exec":{"command":"echo boom >&2; exit 3"}}]}}}}

            Error running command 'echo boom >&2; exit 3': exit status 3. Output: boom


            Error: Extraneous JSON object property

              on instance-30.tf.json line 1, in resource.terraform_data.instance-30:
               1: {"resource":{"terraform_data":{"instance-30":{"bogus":1}}}}

            No argument or block type is named "bogus".
            """;

    @Test
    void errorsAreToldToTheInstanceTheyName() {
        assertThat(TofuErrors.blocks(STDERR)).hasSize(2);
        List<String> three = TofuErrors.about(STDERR, "instance-3", List.of("terraform_data.instance-3"));
        assertThat(three).hasSize(1);
        assertThat(three.get(0)).startsWith("Error: local-exec provisioner error").endsWith("Output: boom");
        List<String> thirty = TofuErrors.about(STDERR, "instance-30", List.of("terraform_data.instance-30"));
        assertThat(thirty).singleElement().asString().contains("bogus");
        assertThat(TofuErrors.about(STDERR, "instance-4", List.of("terraform_data.instance-4"))).isEmpty();
        assertThat(TofuErrors.blocks("some other failure\n")).containsExactly("some other failure");
    }

    @Test
    void theStateSaysWhatExistsAndWhatIsTainted() throws Exception {
        TofuState state = TofuState.parse(Json.parse("""
                {"version": 4, "terraform_version": "1.6.2", "serial": 7, "lineage": "x", "outputs": {},
                 "resources": [
                   {"mode": "managed", "type": "terraform_data", "name": "instance-1",
                    "provider": "provider[\\"terraform.io/builtin/terraform\\"]",
                    "instances": [{"schema_version": 0, "attributes": {"id": "a",
                      "input": {"value": {"tags": {"infrakit.group": "web"}}, "type": ["object", {}]}}}]},
                   {"mode": "managed", "type": "terraform_data", "name": "instance-2",
                    "instances": [{"status": "tainted", "schema_version": 0, "attributes": {"id": "b"}}]},
                   {"mode": "data", "type": "aws_ami", "name": "instance-3", "instances": [{"attributes": {}}]},
                   {"module": "module.net", "mode": "managed", "type": "aws_vpc", "name": "instance-4",
                    "instances": [{"attributes": {}}]}],
                 "check_results": null}"""));

        assertThat(state.serial()).isEqualTo(7);
        assertThat(state.resources()).containsOnlyKeys("terraform_data.instance-1", "terraform_data.instance-2");
        assertThat(state.live("terraform_data.instance-1")).isTrue();
        assertThat(state.live("terraform_data.instance-2")).isFalse();
        assertThat(state.has("terraform_data.instance-2")).isTrue();
        TofuState.Resource one = state.resources().get("terraform_data.instance-1");
        assertThat(ResourceTypes.tags(one.type(), one.attributes())).containsEntry("infrakit.group", "web");
    }
}
