package io.infrakit.plugins.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.process.ProcessInstancePlugin;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys nothing reads, named with the key likely meant. */
class UnknownKeysTest {

    @Test
    void groupKeysOutsideThePluginsProperties() {
        String spec = "{\"ID\":\"w\",\"Propertes\":{},\"Properties\":{\"allocation\":{\"Sise\":3,\"LogicalIDs\":[]},"
                + "\"Instance\":{\"Plugin\":\"p\",\"Propertes\":{},\"Properties\":{\"Anything\":1}},"
                + "\"Flavor\":{\"Plugin\":\"f\"},\"Colour\":\"red\",\"Updating\":{\"Count\":1}}}";
        assertThat(GroupSpecs.unknownKeys(Json.parse(spec), List.of())).containsExactly(
                "Propertes (did you mean Properties?)",
                "Properties.Colour",
                "Properties.Allocation.Sise (did you mean Size?)",
                "Properties.Instance.Propertes (did you mean Properties?)");
    }

    @Test
    void keysInAnyCaseAreKnownAsGoMatchesThem() {
        assertThat(GroupSpecs.unknownKeys(Json.parse("{\"id\":\"w\",\"PROPERTIES\":{\"ALLOCATION\":{\"size\":1}},"
                + "\"Annotations\":{}}"), List.of("Annotations"))).isEmpty();
    }

    @Test
    void builtInPluginsNameTheKeysTheyDoNotRead() {
        VanillaFlavorPlugin vanilla = new VanillaFlavorPlugin();
        assertThat(vanilla.unknownKeys(Json.parse("{\"Intt\":[\"x\"],\"Tags\":{\"any\":\"key\"},"
                + "\"Attachments\":[{\"ID\":\"a\",\"Typ\":\"b\"}]}")))
                .containsExactly("Properties.Intt (did you mean Init?)",
                        "Properties.Attachments[0].Typ (did you mean Type?)");
        assertThat(vanilla.unknownKeys(Json.parse("{\"init\":[\"x\"],\"tags\":{}}"))).isEmpty();
        assertThat(vanilla.unknownKeys(null)).isEmpty();
        // A decoder that fails read only part: its error speaks, not a list of keys it never reached.
        assertThat(vanilla.unknownKeys(Json.parse("{\"Init\":5,\"Whatever\":1}"))).isEmpty();

        assertThat(new ProcessInstancePlugin(java.nio.file.Path.of("/nonexistent"))
                .unknownKeys(Json.parse("{\"Comand\":\"sleep 1\",\"Env\":{\"A\":\"b\"}}")))
                .containsExactly("Properties.Comand (did you mean Command?)");
    }

    @Test
    void onlyNearKeysAreSuggested() {
        assertThat(UnknownKeys.of(Json.parse("{\"Colour\":1,\"Szie\":2,\"sizee\":3,\"Sz\":4,\"Zise\":5}"), "",
                List.of("Size", "Color"))).containsExactly("Colour (did you mean Color?)", "Szie (did you mean Size?)",
                        "sizee (did you mean Size?)", "Sz", "Zise");
        assertThat(UnknownKeys.of(Json.parse("{\"Banana\":1,\"Sx\":1}"), "P", List.of("Size", "Bandwidth")))
                .containsExactly("P.Banana", "P.Sx");
        assertThat(UnknownKeys.distance("KITTEN", "SITTING")).isEqualTo(3);
        assertThat(UnknownKeys.distance("SZIE", "SIZE")).isEqualTo(1);
    }
}
