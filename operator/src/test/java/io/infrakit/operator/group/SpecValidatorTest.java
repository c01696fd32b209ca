package io.infrakit.operator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.operator.write.PluginCheck;
import io.infrakit.plugins.PluginRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecValidatorTest {

    static String spec(String id, String allocation) {
        return spec(id, allocation, "instance-file", "flavor-vanilla");
    }

    static String spec(String id, String allocation, String instance, String flavor) {
        return "{\"ID\":" + id + ",\"Properties\":{\"Allocation\":" + allocation
                + ",\"Instance\":{\"Plugin\":\"" + instance + "\",\"Properties\":{\"Note\":\"x\"}},"
                + "\"Flavor\":{\"Plugin\":\"" + flavor + "\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";
    }

    private static String error(String keyId, String json) {
        try {
            SpecValidator.parse(keyId, json, 1);
        } catch (SpecException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a validation error for " + json);
    }

    @Test
    void acceptsCattleAndPets() throws SpecException {
        GroupDefinition cattle = SpecValidator.parse("web", spec("\"web\"", "{\"Size\":3}"), 7);
        assertThat(cattle.desired()).isEqualTo(3);
        assertThat(cattle.revision()).isEqualTo(7);
        assertThat(cattle.configHash()).hasSize(32);
        GroupDefinition pets = SpecValidator.parse("zk", spec("\"zk\"", "{\"LogicalIDs\":[\"a\",\"b\"]}"), 1);
        assertThat(pets.allocation().isPets()).isTrue();
        assertThat(pets.desired()).isEqualTo(2);
    }

    @Test
    void keysAreCaseInsensitive() throws SpecException {
        String json = "{\"id\":\"web\",\"properties\":{\"allocation\":{\"size\":2},"
                + "\"instance\":{\"plugin\":\"file\",\"properties\":{}},\"flavor\":{\"plugin\":\"vanilla\"}}}";
        assertThat(SpecValidator.parse("web", json, 1).desired()).isEqualTo(2);
    }

    @Test
    void explicitSizeZeroIsAllowed() throws SpecException {
        assertThat(SpecValidator.parse("web", spec("\"web\"", "{\"Size\":0}"), 1).desired()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"\"                                   | {\"Size\":3}                    | Group ID must not be blank",
        "\"  \"                                 | {\"Size\":3}                    | Group ID must not be blank",
        "\"web\"                                | {}                              | Allocation must not be blank",
        "\"web\"                                | {\"Size\":2,\"LogicalIDs\":[\"a\"]} | Only one Allocation method may be used",
        "\"web\"                                | {\"Size\":-1}                   | must not be negative",
        "\"web\"                                | {\"LogicalIDs\":[\"a\",\"a\"]}  | duplicate logical ID 'a'",
        "\"a/b\"                                | {\"Size\":1}                    | cannot be used as a key",
        "\"has space\"                          | {\"Size\":1}                    | cannot be used as a key",
    })
    void rejectsWithClearMessages(String id, String allocation, String message) {
        String keyId = id.replace("\"", "").isBlank() ? null : id.replace("\"", "");
        assertThat(error(null, spec(id, allocation))).contains(message);
        if (keyId != null && !keyId.contains("/")) {
            assertThat(error(keyId, spec(id, allocation))).contains(message);
        }
    }

    @Test
    void rejectsWhatIsNotJsonAtAll() {
        assertThat(error("web", "this is not json")).isNotBlank();
        assertThat(error("web", "{\"ID\":\"web\",")).isNotBlank();
        assertThat(error("web", "[1,2]")).isNotBlank();
        assertThat(error("web", "")).isEqualTo("Spec is empty");
    }

    @Test
    void rejectsSpecsOverOneMebibyte() {
        String big = spec("\"web\"", "{\"Size\":1}").replace("\"x\"", "\"" + "x".repeat(1 << 20) + "\"");
        assertThat(error("web", big)).contains("over the limit");
    }

    @Test
    void rejectsAnIdThatDoesNotMatchItsKey() {
        assertThat(error("api", spec("\"web\"", "{\"Size\":1}"))).contains("does not match its key");
    }

    @Test
    void rejectsMissingSections() {
        assertThat(error("web", "{\"ID\":\"web\"}")).contains("Properties");
        assertThat(error("web", "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":1}}}"))
                .contains("Instance");
    }

    @Test
    void unknownPluginsAreReportedInInfraKitsWords(@TempDir Path dir) throws SpecException {
        PluginRegistry plugins = PluginRegistry.builtins(dir);
        GroupDefinition def = SpecValidator.parse("web", spec("\"web\"", "{\"Size\":1}", "instance-nope",
                "flavor-vanilla"), 1);
        assertThatThrownBy(() -> PluginCheck.check(def, plugins))
                .hasMessageStartingWith("Failed to find Instance plugin 'instance-nope':");
        GroupDefinition def2 = SpecValidator.parse("web", spec("\"web\"", "{\"Size\":1}", "file", "nope"), 1);
        assertThatThrownBy(() -> PluginCheck.check(def2, plugins))
                .hasMessageStartingWith("Failed to find Flavor plugin 'nope':");
        PluginCheck.check(SpecValidator.parse("web", spec("\"web\"", "{\"Size\":1}", "file", "vanilla"), 1),
                plugins);
    }
}
