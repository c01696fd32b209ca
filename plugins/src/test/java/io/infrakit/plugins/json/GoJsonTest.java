package io.infrakit.plugins.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoJsonTest {

    private static final GoJson.Style DECODED_COMPACT = new GoJson.Style(true, "", null);

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        GoJson.quote(sb, s);
        return sb.toString();
    }

    @Test
    void escapesHtmlCharactersAsGoDoes() {
        assertThat(quote("a<b>&c")).isEqualTo("\"a\\u003cb\\u003e\\u0026c\"");
    }

    @Test
    void escapesLineAndParagraphSeparators() {
        assertThat(quote("x\u2028y\u2029z")).isEqualTo("\"x\\u2028y\\u2029z\"");
    }

    @Test
    void escapesControlCharactersWithGo18Forms() {
        assertThat(quote("\n\r\t")).isEqualTo("\"\\n\\r\\t\"");
        // Go 1.8 has no \b or \f short forms.
        assertThat(quote("\b\f")).isEqualTo("\"\\u0008\\u000c\"");
        assertThat(quote("\u0000\u001f")).isEqualTo("\"\\u0000\\u001f\"");
        assertThat(quote("\"\\")).isEqualTo("\"\\\"\\\\\"");
    }

    @Test
    void leavesEverythingElseRaw() {
        assertThat(quote("/ é \u007f 😀 ✓")).isEqualTo("\"/ é \u007f 😀 ✓\"");
    }

    @Test
    void aLoneSurrogateBecomesTheReplacementCharacterOnceDecoded() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("s", "a\uD800b");

        assertThat(GoJson.write(node, DECODED_COMPACT)).isEqualTo("{\"s\":\"a\uFFFDb\"}");
        // Written verbatim, it stays an escape so nothing is lost.
        assertThat(GoJson.compact(node)).isEqualTo("{\"s\":\"a\\ud800b\"}");
    }

    @Test
    void sortsDecodedKeysByUtf8BytesNotByJavaChars() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("\uFF5E", 1).put("😀", 2).put("a", 3).put("B", 4).put("é", 5);

        // Code point order: B < a < é < U+FF5E < U+1F600 (Java's String order would put the emoji before U+FF5E).
        assertThat(GoJson.write(node, DECODED_COMPACT)).isEqualTo("{\"B\":4,\"a\":3,\"é\":5,\"\uFF5E\":1,\"😀\":2}");
        List<String> keys = new ArrayList<>(List.of("\uFF5E", "😀", "a"));
        keys.sort(GoJson.KEY_ORDER);
        assertThat(keys).containsExactly("a", "\uFF5E", "😀");
    }

    @Test
    void decodedNumbersAreFloat64sVerbatimNumbersAreAsRead() {
        var node = Json.parse("{\"a\":1.50,\"b\":1e3,\"c\":12345678901234567890123,\"d\":1e-7,\"e\":-0}");

        assertThat(GoJson.write(node, DECODED_COMPACT))
                .isEqualTo("{\"a\":1.5,\"b\":1000,\"c\":1.2345678901234568e+22,\"d\":1e-7,\"e\":-0}");
        // A negative zero keeps its sign (Go writes the float64 -0 as -0).
        assertThat(GoJson.compact(node)).isEqualTo("{\"a\":1.50,\"b\":1E+3,\"c\":12345678901234567890123,\"d\":1E-7,\"e\":-0}");
    }

    @Test
    void tinyNumbersUnderflowToZeroAsGoParsesThem() {
        assertThat(GoJson.write(Json.parse("[1e-400,-1e-400]"), DECODED_COMPACT)).isEqualTo("[0,-0]");
    }

    @Test
    void marshalIndentWithEmptyPrefixAndIndentPutsEachElementOnItsOwnLine() {
        var node = Json.parse("{\"ID\":\"i\",\"L\":null,\"T\":{\"a\":\"b\"},\"E\":{},\"A\":[],\"N\":[1,2]}");

        assertThat(GoJson.write(node, new GoJson.Style(false, "", ""))).isEqualTo("""
                {
                "ID": "i",
                "L": null,
                "T": {
                "a": "b"
                },
                "E": {},
                "A": [],
                "N": [
                1,
                2
                ]
                }""");
    }

    @Test
    void prefixStartsEveryLineButTheFirst() {
        var node = Json.parse("{\"a\":[true]}");

        assertThat(GoJson.write(node, new GoJson.Style(false, ">", "-")))
                .isEqualTo("{\n>-\"a\": [\n>--true\n>-]\n>}");
    }

    @Test
    void compactHasNoSpaces() {
        assertThat(GoJson.compact(Json.parse("{ \"a\" : [ 1 , { } ] , \"b\" : \"<\" }")))
                .isEqualTo("{\"a\":[1,{}],\"b\":\"\\u003c\"}");
    }
}
