package io.infrakit.plugins.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigHashTest {

    /** Hashes computed by InfraKit v0.5's own InstanceHash() (reference, golden table). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"ID":"nginx","Plugin":"group","Properties":{"Allocation":{"Size":10},"Instance":{"Plugin":"aws","Properties":{"region":"us-west-2","ami":"ami-123456"}},"Flavor":{"Plugin":"nginx","Properties":{"port":8080}}}} | git6mxrucesv3yvdf6i567ki4vge77zz
            {"ID":"cattle","Properties":{"Allocation":{"Size":5},"Instance":{"Plugin":"instance-file","Properties":{"Note":"Instance properties"}},"Flavor":{"Plugin":"flavor-vanilla","Properties":{"Init":["docker pull nginx:alpine","docker run -d -p 80:80 nginx:alpine"]}}}} | gkg3wg2xm5m4j3ss63y6qlmcetrj3flp
            {"ID":"zk","Properties":{"Allocation":{"LogicalIDs":["192.168.1.200","192.168.1.201","192.168.1.202"]},"Instance":{"Plugin":"instance-vagrant","Properties":{"Box":"bento/ubuntu-16.04"}},"Flavor":{"Plugin":"flavor-zookeeper","Properties":{"Type":"member","UseDocker":false}}}} | njgkfenvicqvxmv7mj3jxi6a2wej5wxx
            """)
    void reproducesInfraKitGoldenHashes(String spec, String hash) {
        GroupProperties properties = GroupSpecs.properties(GroupSpecs.parse(spec));

        assertThat(properties.configHash()).isEqualTo(hash);
    }

    @Test
    void allocationIsNotPartOfTheHash() {
        String a = "{\"ID\":\"g\",\"Properties\":{\"Allocation\":{\"Size\":1},"
                + "\"Instance\":{\"Plugin\":\"file\"},\"Flavor\":{\"Plugin\":\"vanilla\"}}}";
        String b = a.replace("\"Size\":1", "\"Size\":7");

        assertThat(hash(a)).isEqualTo(hash(b));
    }

    @Test
    void keyOrderAndNumberSpellingDoNotMatterButValuesDo() {
        String base = hash(spec("{\"a\":1,\"b\":[1.5,\"x\"]}"));

        assertThat(hash(spec("{\"b\":[15e-1,\"x\"],\"a\":1.0}"))).isEqualTo(base);
        assertThat(hash(spec("{\"a\":2,\"b\":[1.5,\"x\"]}"))).isNotEqualTo(base);
    }

    @Test
    void absentPropertiesHashAsGoNilAndAbsentSectionsAsZeroValues() {
        // Go marshals a nil *types.Any as null and a missing section as {"Plugin":"","Properties":null}.
        String expected = "{\n    \"Plugin\": \"\",\n    \"Properties\": null\n  }";
        assertThat(StableFormat.of(null)).isEqualTo(expected);
        assertThat(StableFormat.of(new PluginSpec(null, null))).isEqualTo(expected);
        assertThat(StableFormat.of(new PluginSpec("", Json.parse("null")))).isEqualTo(expected);

        assertThat(ConfigHash.of(null, null)).isEqualTo(ConfigHash.of(new PluginSpec("", null), new PluginSpec("", null)));
        assertThat(ConfigHash.of(new PluginSpec("x", null), null))
                .isNotEqualTo(ConfigHash.of(new PluginSpec("x", Json.parse("{}")), null));
    }

    @Test
    void stableFormatIsGoMarshalIndentWithPrefixOfTheSortedMap() {
        PluginSpec section = new PluginSpec("aws", Json.parse(
                "{\"region\":\"us-west-2\",\"ami\":\"ami-123456\",\"tags\":{},\"list\":[],\"n\":[1,{\"z\":null,\"a\":true}]}"));

        assertThat(StableFormat.of(section)).isEqualTo("""
                {
                    "Plugin": "aws",
                    "Properties": {
                      "ami": "ami-123456",
                      "list": [],
                      "n": [
                        1,
                        {
                          "a": true,
                          "z": null
                        }
                      ],
                      "region": "us-west-2",
                      "tags": {}
                    }
                  }""");
    }

    @Test
    void numberBeyondFloat64IsASpecErrorNotACrash() {
        PluginSpec section = new PluginSpec("x", Json.parse("{\"big\":1e400}"));

        assertThatThrownBy(() -> ConfigHash.of(section, null))
                .isInstanceOf(SpecFormatException.class)
                .hasMessageContaining("1E+400").hasMessageContaining("float64");
    }

    private static String spec(String instanceProperties) {
        return "{\"ID\":\"g\",\"Properties\":{\"Instance\":{\"Plugin\":\"file\",\"Properties\":" + instanceProperties
                + "},\"Flavor\":{\"Plugin\":\"vanilla\"}}}";
    }

    private static String hash(String spec) {
        return GroupSpecs.properties(GroupSpecs.parse(spec)).configHash();
    }
}
