package io.infrakit.plugins.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.InstanceSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsKeysCaseInsensitivelyLikeGo() throws Exception {
        InstanceSpec spec = Json.mapper().readValue(
                "{\"properties\":{\"Note\":1},\"TAGS\":{\"a\":\"b\"},\"init\":\"echo\",\"logicalid\":\"x\","
                        + "\"attachments\":[{\"id\":\"v\",\"type\":\"volume\"}],\"unknown\":true}",
                InstanceSpec.class);

        assertThat(spec.tags()).containsExactly(Map.entry("a", "b"));
        assertThat(spec.init()).isEqualTo("echo");
        assertThat(spec.logicalId()).isEqualTo("x");
        assertThat(spec.attachments()).containsExactly(new Attachment("v", "volume"));
        assertThat(spec.properties().toString()).isEqualTo("{\"Note\":1}");
    }

    @Test
    void writesInfraKitNamesNullsAndSortedMaps() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("z", "1");
        tags.put("a", "2");
        InstanceSpec spec = new InstanceSpec(null, tags, "", null, null);

        assertThat(Json.write(spec)).isEqualTo(
                "{\"Properties\":null,\"Tags\":{\"a\":\"2\",\"z\":\"1\"},\"Init\":\"\",\"LogicalID\":null,\"Attachments\":null}");
    }

    @Test
    void keepsOpaqueNumbersAndKeyOrderThroughARoundTrip() {
        String text = "{\"z\":1.50,\"a\":1e3,\"m\":123456789012345678901234567890,\"f\":0.1000,\"n\":-7}";

        JsonNode once = Json.parse(text);
        JsonNode twice = Json.parse(Json.write(once));

        assertThat(Json.write(once)).isEqualTo(
                "{\"z\":1.50,\"a\":1E+3,\"m\":123456789012345678901234567890,\"f\":0.1000,\"n\":-7}");
        assertThat(twice).isEqualTo(once);
        assertThat(twice.get("a").decimalValue()).isEqualByComparingTo("1000");
    }

    @Test
    void refusesTrailingContent() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1} {\"b\":2}")).isInstanceOf(JsonFormatException.class);
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).isInstanceOf(JsonFormatException.class);
    }

    @Test
    void reportsWhereMalformedJsonBreaks() {
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": 1,\n  \"b\" 2\n}"))
                .isInstanceOfSatisfying(JsonFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(7);
                    assertThat(e.getMessage()).endsWith("at line 3, column 7");
                });
        assertThatThrownBy(() -> Json.parse("  ")).isInstanceOf(JsonFormatException.class).hasMessage("empty document");
    }

    @Test
    void saysWhatIsWrongWithoutTheParsersInternals() {
        assertThat(message("{\"a\": 1 \"b\": 2}"))
                .isEqualTo("unexpected '\"': was expecting comma to separate Object entries at line 1, column 9");
        assertThat(message("{\"a\": [1, 2}"))
                .isEqualTo("Unexpected close marker '}': expected ']' (for Array starting at line 1, column 7)"
                        + " at line 1, column 12");
        assertThat(message("{\"a\": tru}"))
                .isEqualTo("Unrecognized token 'tru': was expecting a JSON value at line 1, column 10");
        assertThat(message("{\"a\": \"x\ny\"}")).startsWith("Illegal unquoted character (control character 10)");
        assertThat(message("{\"a\": NaN}")).isEqualTo("Non-standard token 'NaN' at line 1, column 10");
        assertThat(message("{\"a\": 'x'}")).startsWith("unexpected ''': expected a valid value");
        for (String bad : List.of("{\"a\": 1 \"b\": 2}", "{\"a\": [1, 2}", "{\"a\": \"x\ny\"}", "{\"a\": NaN}",
                "{\"a\": \"\\q\"}", "{a: 1}")) {
            assertThat(message(bad)).doesNotContain("code ").doesNotContain("Source").doesNotContain("`");
        }
    }

    private static String message(String json) {
        try {
            Json.parse(json);
        } catch (JsonFormatException e) {
            return e.getMessage();
        }
        throw new AssertionError("parsed: " + json);
    }

    @Test
    void doesNotCoerceScalarsGoWouldRefuse() {
        assertThatThrownBy(() -> Json.mapper().readValue("{\"Init\":5}", InstanceSpec.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> Json.mapper().readValue("{\"Tags\":{\"a\":true}}", InstanceSpec.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> Json.mapper().readValue("{\"Sequence\":\"5\"}", io.infrakit.plugins.spi.Index.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> Json.mapper().readValue("[\"a\",1]",
                Json.mapper().getTypeFactory().constructCollectionType(List.class, String.class)))
                .isInstanceOf(MismatchedInputException.class);
    }
}
