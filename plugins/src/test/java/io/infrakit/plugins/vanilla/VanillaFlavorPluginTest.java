package io.infrakit.plugins.vanilla;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VanillaFlavorPluginTest {

    private static final Allocation SIZE_2 = Allocation.ofSize(2);
    private static final Index INDEX = new Index("spy", 2);

    private final VanillaFlavorPlugin flavor = new VanillaFlavorPlugin();

    @TempDir
    Path dir;

    private static JsonNode json(String s) {
        return Json.parse(s);
    }

    private InstanceSpec prepare(String properties, InstanceSpec spec) {
        return flavor.prepare(properties == null ? null : json(properties), spec, SIZE_2, INDEX);
    }

    @Test
    void prepareAnswersWhatInfraKitsVanillaFlavorAnsweredOnTheWire() throws Exception {
        // Flavor.Prepare request and response recorded from InfraKit v0.5's own flavor-vanilla.
        InstanceSpec request = Json.mapper().readValue("{\"Properties\":{\"Note\":\"peer bench\"},\"Tags\":{"
                + "\"infrakit.config_sha\":\"h4o4ij6a22wq37pzkk6zuoc53jwg2gvb\",\"infrakit.group\":\"spy\"},"
                + "\"Init\":\"\",\"LogicalID\":null,\"Attachments\":null}", InstanceSpec.class);

        InstanceSpec prepared = prepare("{\"Init\":[\"echo hello\"],\"Tags\":{\"tier\":\"web\",\"project\":\"bench\"}}", request);

        assertThat(Json.write(prepared)).isEqualTo("{\"Properties\":{\"Note\":\"peer bench\"},\"Tags\":{"
                + "\"infrakit.config_sha\":\"h4o4ij6a22wq37pzkk6zuoc53jwg2gvb\",\"infrakit.group\":\"spy\","
                + "\"project\":\"bench\",\"tier\":\"web\"},\"Init\":\"echo hello\",\"LogicalID\":null,\"Attachments\":null}");
    }

    @Test
    void initIsTheSpecsInitThenTheFlavorsLines() {
        InstanceSpec spec = new InstanceSpec(null, null, "set -e", null, null);

        assertThat(prepare("{\"Init\":[\"a\",\"b\"]}", spec).init()).isEqualTo("set -e\na\nb");
        assertThat(prepare("{}", spec).init()).isEqualTo("set -e");
        assertThat(prepare("{\"Init\":[\"a\",\"b\"]}", spec.withInit("")).init()).isEqualTo("a\nb");
        assertThat(prepare(null, spec.withInit("")).init()).isEmpty();
    }

    @Test
    void tagsOverwriteAndAttachmentsAppend() {
        InstanceSpec spec = new InstanceSpec(null, Map.of("tier", "db", "keep", "1"), "", "pet",
                List.of(new Attachment("a", "volume")));

        InstanceSpec prepared = prepare("{\"tags\":{\"tier\":\"web\"},\"attachments\":[{\"id\":\"b\",\"type\":\"nic\"}]}", spec);

        assertThat(prepared.tags()).isEqualTo(Map.of("tier", "web", "keep", "1"));
        assertThat(prepared.attachments()).containsExactly(new Attachment("a", "volume"), new Attachment("b", "nic"));
        assertThat(prepared.logicalId()).isEqualTo("pet");
    }

    @Test
    void nothingToAddLeavesNilTagsAndAttachmentsNil() {
        InstanceSpec prepared = prepare("{\"Init\":[\"x\"]}", new InstanceSpec(null, null, "", null, null));

        assertThat(prepared.tags()).isNull();
        assertThat(prepared.attachments()).isNull();
    }

    @Test
    void validateAcceptsTheDocumentedShapes() {
        assertThatNoException().isThrownBy(() -> flavor.validate(null, SIZE_2));
        assertThatNoException().isThrownBy(() -> flavor.validate(json("{}"), SIZE_2));
        assertThatNoException().isThrownBy(() -> flavor.validate(json(
                "{\"Init\":[\"a\"],\"Tags\":{\"k\":\"v\"},\"Attachments\":[{\"ID\":\"x\",\"Type\":\"y\"}],\"Other\":1}"), SIZE_2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "x"                                        | Properties must be a JSON object, got string
            {"Init":"echo"}                            | Properties.Init must be an array of strings, got string
            {"Init":["a",3]}                           | Properties.Init[1] must be a string, got number
            {"Tags":{"k":1}}                           | Properties.Tags.k must be a string, got number
            {"Tags":[]}                                | Properties.Tags must be an object of strings, got array
            {"Attachments":["vol"]}                    | Properties.Attachments[0] must be a JSON object, got string
            {"Attachments":[{"ID":1}]}                 | Properties.Attachments[0].ID must be a string, got number
            {"InitScriptTemplateURL":5}                | Properties.InitScriptTemplateURL must be a string, got number
            {"Init":["a"],"InitScriptTemplateURL":"file:///x"} | Either "Init" or "InitScriptTemplateURL" can be specified but not both
            {"InitScriptTemplateURL":"https://example.com/init.sh"} | InitScriptTemplateURL: only file:// URLs are supported, got https://example.com/init.sh
            """)
    void validateRefusesWithAClearMessage(String properties, String message) {
        assertThatThrownBy(() -> flavor.validate(json(properties), SIZE_2))
                .isInstanceOf(PluginException.class).hasMessage(message);
    }

    @Test
    void initScriptFromAFileUrlIsUsedAsAPlainScript() throws IOException {
        Path script = Files.writeString(dir.resolve("init.sh"), "#!/bin/sh\necho from file\n");
        String properties = "{\"InitScriptTemplateURL\":\"" + script.toUri() + "\"}";

        flavor.validate(json(properties), SIZE_2);
        InstanceSpec prepared = prepare(properties, new InstanceSpec(null, null, "first", null, null));

        assertThat(prepared.init()).isEqualTo("first\n#!/bin/sh\necho from file\n");
    }

    @Test
    void initScriptProblemsAreReported() throws IOException {
        Path template = Files.writeString(dir.resolve("t.sh"), "echo {{ var \"x\" }}\n");

        assertThatThrownBy(() -> flavor.validate(json("{\"InitScriptTemplateURL\":\"" + template.toUri() + "\"}"), SIZE_2))
                .isInstanceOf(PluginException.class).hasMessageContaining("templates are not supported");
        String missing = dir.resolve("missing.sh").toUri().toString();
        assertThatThrownBy(() -> flavor.validate(json("{\"InitScriptTemplateURL\":\"" + missing + "\"}"), SIZE_2))
                .isInstanceOf(PluginException.class).hasMessageStartingWith("InitScriptTemplateURL: cannot read " + missing);
        assertThatThrownBy(() -> flavor.validate(json("{\"InitScriptTemplateURL\":\"file:relative.sh\"}"), SIZE_2))
                .isInstanceOf(PluginException.class).hasMessageStartingWith("InitScriptTemplateURL: not a file URL");
    }

    @Test
    void everyInstanceIsHealthyAndDrainDoesNothing() {
        InstanceDescription instance = new InstanceDescription("i-1", null, Map.of(), null);

        assertThat(flavor.healthy(null, instance)).isEqualTo(Health.HEALTHY);
        assertThatNoException().isThrownBy(() -> flavor.drain(json("{}"), instance));
    }
}
