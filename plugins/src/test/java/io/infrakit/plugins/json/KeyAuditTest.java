package io.infrakit.plugins.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyAuditTest {

    private static List<String> unknown(String spec) {
        return KeyAudit.of(() -> GroupSpecs.properties(GroupSpecs.parse(spec))).stream()
                .map(KeyAudit.UnknownKey::toString).toList();
    }

    @Test
    void namesEachKeyNothingReadsWithTheNearestKnownName() {
        assertThat(unknown("{\"ID\":\"g\",\"Annotations\":{},\"Properties\":{\"Allocation\":{\"Sise\":3,"
                + "\"size\":1},\"Instance\":{\"Plugin\":\"file\",\"Propertes\":{}},\"Flavor\":{\"plugin\":\"v\"},"
                + "\"Updating\":{\"Anything\":1},\"Zebra\":true},\"extra\":1}"))
                .containsExactly("extra", "Properties.Zebra", "Properties.Allocation.Sise (did you mean Size?)",
                        "Properties.Instance.Propertes (did you mean Properties?)");
    }

    @Test
    void keysMatchAsGoMatchesThemAndOpaquePropertiesAreNotLookedInto() {
        assertThat(unknown("{\"id\":\"g\",\"PROPERTIES\":{\"allocation\":{\"logicalids\":[\"a\"]},"
                + "\"Instance\":{\"Plugin\":\"file\",\"Properties\":{\"Whatever\":1}}}}")).isEmpty();
    }

    @Test
    void aBuiltInPluginNamesItsOwnUnknownKeys() {
        VanillaFlavorPlugin vanilla = new VanillaFlavorPlugin();
        assertThat(vanilla.unknownKeys(Json.parse("{\"Intt\":[\"x\"],\"Tags\":{\"a\":\"b\"},\"Qwertyuiop\":1}"))
                .stream().map(KeyAudit.UnknownKey::toString))
                .containsExactly("Properties.Intt (did you mean Init?)", "Properties.Qwertyuiop");
    }

    @Test
    void aParseThatFailsFindsNothingAndLeavesNoAuditBehind() {
        assertThat(KeyAudit.of(() -> {
            ObjectFields.of(Json.parse("{\"a\":1}"), "x", PluginException::new);
            throw new PluginException("bad");
        })).isEmpty();
        // Outside an audit, readers are not collected.
        ObjectFields.of(Json.parse("{\"b\":1}"), "", PluginException::new);
        assertThat(KeyAudit.of(() -> { })).isEmpty();
    }
}
