package io.infrakit.plugins.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.GroupSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupSpecsTest {

    private static final String CATTLE = """
            {"ID":"cattle","Properties":{"Allocation":{"Size":5},
             "Instance":{"Plugin":"instance-file","Properties":{"Note":"Instance properties"}},
             "Flavor":{"Plugin":"flavor-vanilla","Properties":{"Init":["docker pull nginx:alpine","docker run -d -p 80:80 nginx:alpine"]}}}}""";

    @Test
    void readsTheEnvelopeAndTheDefaultGroupProperties() {
        GroupSpec spec = GroupSpecs.parse(CATTLE);
        GroupProperties properties = GroupSpecs.properties(spec);

        assertThat(spec.id()).isEqualTo("cattle");
        assertThat(spec.plugin()).isNull();
        assertThat(properties.allocation()).isEqualTo(Allocation.ofSize(5));
        assertThat(properties.instance().plugin()).isEqualTo("instance-file");
        assertThat(properties.instance().properties()).isEqualTo(Json.parse("{\"Note\":\"Instance properties\"}"));
        assertThat(properties.flavor().pluginName().lookup()).isEqualTo("flavor-vanilla");
        assertThat(properties.updating()).isNull();
    }

    @Test
    void matchesKeysCaseInsensitivelyAsGoDoes() {
        GroupSpec spec = GroupSpecs.parse("""
                {"id":"pets","PLUGIN":"group","properties":{
                  "allocation":{"logicalids":["a","b"]},
                  "INSTANCE":{"plugin":"file","PROPERTIES":{"Keep":"Me"}},
                  "flavor":{"pLuGiN":"vanilla/x"},
                  "updating":{"count":2}}}""");
        GroupProperties properties = GroupSpecs.properties(spec);

        assertThat(spec.id()).isEqualTo("pets");
        assertThat(spec.plugin()).isEqualTo("group");
        assertThat(properties.allocation()).isEqualTo(Allocation.ofLogicalIds(List.of("a", "b")));
        assertThat(properties.instance()).isEqualTo(new PluginSpec("file", Json.parse("{\"Keep\":\"Me\"}")));
        assertThat(properties.flavor().pluginName().type()).isEqualTo("x");
        assertThat(properties.updating()).isEqualTo(Json.parse("{\"count\":2}"));
    }

    @Test
    void foldsCaseOnlyTheWayGoDoes() {
        // Go folds long s to s (so it is Size) but a dotless i is not I.
        GroupSpec spec = GroupSpecs.parse("{\"\u0131d\":\"no\",\"Properties\":{\"Allocation\":{\"\u017Fize\":3}}}");

        assertThat(spec.id()).isNull();
        assertThat(GroupSpecs.properties(spec).allocation().size()).isEqualTo(3);
    }

    @Test
    void theLastOfKeysDifferingInCaseWins() {
        GroupSpec spec = GroupSpecs.parse("{\"ID\":\"a\",\"id\":\"b\",\"Properties\":{\"Allocation\":{\"Size\":1,\"size\":4}}}");

        assertThat(spec.id()).isEqualTo("b");
        assertThat(GroupSpecs.properties(spec).allocation().size()).isEqualTo(4);
    }

    @Test
    void keepsANegativeSizeForTheValidatorToReject() {
        GroupSpec spec = GroupSpecs.parse("{\"ID\":\"g\",\"Properties\":{\"Allocation\":{\"Size\":-3}}}");

        assertThat(GroupSpecs.properties(spec).allocation().size()).isEqualTo(-3);
    }

    @Test
    void absentSectionsAreNullAndAbsentAllocationIsGoZeroValue() {
        GroupProperties none = GroupSpecs.properties(GroupSpecs.parse("{\"ID\":\"g\"}"));
        GroupProperties empty = GroupSpecs.properties(GroupSpecs.parse(
                "{\"ID\":\"g\",\"Properties\":{\"Instance\":{\"Plugin\":null,\"Properties\":null},\"Allocation\":null}}"));

        assertThat(none).isEqualTo(new GroupProperties(new Allocation(0, null), null, null, null));
        assertThat(empty.allocation()).isEqualTo(new Allocation(0, null));
        assertThat(empty.instance()).isEqualTo(new PluginSpec(null, null));
        assertThat(empty.flavor()).isNull();
    }

    @Test
    void nullElementsAreGoZeroValues() {
        GroupSpec spec = GroupSpecs.parse("{\"ID\":null,\"Properties\":{\"Allocation\":{\"LogicalIDs\":[\"a\",null]}}}");

        assertThat(spec.id()).isNull();
        assertThat(GroupSpecs.properties(spec).allocation().logicalIds()).containsExactly("a", "");
    }

    @Test
    void notJsonAtAllSaysWhere() {
        assertThatThrownBy(() -> GroupSpecs.parse("{\"ID\": \"g\",\n \"Properties\": {oops}}"))
                .isInstanceOf(SpecFormatException.class)
                .hasMessageStartingWith("group spec is not valid JSON: ")
                .hasMessageEndingWith("at line 2, column 17");
        assertThatThrownBy(() -> GroupSpecs.parse("")).isInstanceOf(SpecFormatException.class)
                .hasMessage("group spec is not valid JSON: empty document");
        assertThatThrownBy(() -> GroupSpecs.parse(null)).isInstanceOf(SpecFormatException.class);
        assertThatThrownBy(() -> GroupSpecs.parse("{\"ID\":\"g\"} {}")).isInstanceOf(SpecFormatException.class)
                .hasMessageStartingWith("group spec is not valid JSON: ");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            []                                   | group spec must be a JSON object, got array
            "cattle"                             | group spec must be a JSON object, got string
            null                                 | group spec must be a JSON object, got null
            {"ID":5}                             | ID must be a string, got number
            {"ID":"g","Plugin":{"a":1}}          | Plugin must be a string, got object
            """)
    void envelopeErrorsNameTheProblem(String json, String message) {
        assertThatThrownBy(() -> GroupSpecs.parse(json)).isInstanceOf(SpecFormatException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            []                                              | Properties must be a JSON object, got array
            {"Allocation":5}                                | Properties.Allocation must be a JSON object, got number
            {"Allocation":{"Size":"3"}}                     | Properties.Allocation.Size must be a non-negative integer, got string "3"
            {"Allocation":{"Size":2.5}}                     | Properties.Allocation.Size must be a non-negative integer, got number 2.5
            {"Allocation":{"Size":true}}                    | Properties.Allocation.Size must be a non-negative integer, got boolean true
            {"Allocation":{"Size":99999999999999999999}}    | Properties.Allocation.Size must be a non-negative integer, got number 99999999999999999999
            {"Allocation":{"LogicalIDs":"a"}}               | Properties.Allocation.LogicalIDs must be an array of strings, got string
            {"Allocation":{"LogicalIDs":["a",7]}}           | Properties.Allocation.LogicalIDs[1] must be a string, got number
            {"Instance":"file"}                             | Properties.Instance must be a JSON object, got string
            {"Instance":{"Plugin":5}}                       | Properties.Instance.Plugin must be a string, got number
            {"Flavor":{"Plugin":["vanilla"]}}               | Properties.Flavor.Plugin must be a string, got array
            """)
    void propertyErrorsNameTheField(String properties, String message) {
        GroupSpec spec = GroupSpecs.parse("{\"ID\":\"g\",\"Properties\":" + properties + "}");

        assertThatThrownBy(() -> GroupSpecs.properties(spec)).isInstanceOf(SpecFormatException.class).hasMessage(message);
    }

    @Test
    void toJsonSpellsKnownKeysCanonicallyAndKeepsTheRestVerbatim() {
        GroupSpec spec = GroupSpecs.parse("""
                {"id":"g","properties":{"allocation":{"size":2,"extra":1},
                 "instance":{"plugin":"file","properties":{"lower":1.50,"Big":1e400,"z":{"b":1,"a":2}}},
                 "flavor":{"PLUGIN":"vanilla","properties":null},
                 "updating":{"count":1,"duration":"30s","custom":true},
                 "x-note":"kept"}}""");

        assertThat(GroupSpecs.toJson(spec)).isEqualTo("{\"ID\":\"g\",\"Properties\":{"
                + "\"Allocation\":{\"Size\":2,\"extra\":1},"
                + "\"Instance\":{\"Plugin\":\"file\",\"Properties\":{\"lower\":1.50,\"Big\":1E+400,\"z\":{\"b\":1,\"a\":2}}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":null},"
                + "\"Updating\":{\"Count\":1,\"Duration\":\"30s\",\"custom\":true},"
                + "\"x-note\":\"kept\"}}");
    }

    @Test
    void toJsonRoundTripsToTheSameSpecAndHash() {
        GroupSpec spec = GroupSpecs.parse(CATTLE.replace("\"ID\"", "\"Plugin\":\"group\",\"ID\""));

        GroupSpec again = GroupSpecs.parse(GroupSpecs.toJson(spec));

        assertThat(again).isEqualTo(spec);
        assertThat(GroupSpecs.toJson(again)).isEqualTo(GroupSpecs.toJson(spec));
        assertThat(GroupSpecs.properties(again).configHash()).isEqualTo("gkg3wg2xm5m4j3ss63y6qlmcetrj3flp");
    }

    @Test
    void toJsonWritesAbsentPropertiesAsNullAndKeepsNonObjectsAsTheyAre() {
        assertThat(GroupSpecs.toJson(new GroupSpec("g", null, null))).isEqualTo("{\"ID\":\"g\",\"Properties\":null}");
        assertThat(GroupSpecs.toJson(new GroupSpec("g", null, Json.parse("[1]")))).isEqualTo("{\"ID\":\"g\",\"Properties\":[1]}");
    }
}
