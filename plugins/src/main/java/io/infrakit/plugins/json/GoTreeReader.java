package io.infrakit.plugins.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Reads JSON trees keeping what Go's decoder sees and Jackson's tree would lose. A key that appears again takes the
 * last place with its last value, so that of keys matching case-insensitively the one last in the document wins, as
 * in Go ({@code {"Plugin":"a","plugin":"b","Plugin":"c"}} is {@code c}). A negative zero stays negative
 * ({@code -0}, {@code -0.0}, {@code -0e5} are Go's float64 −0, but an int or a BigDecimal has no sign at zero).
 * Numbers are otherwise kept exactly: integers as int, long or BigInteger, fractions as BigDecimal.
 */
final class GoTreeReader extends StdDeserializer<JsonNode> {

    GoTreeReader() {
        super(JsonNode.class);
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return value(p, ctxt, ctxt.getNodeFactory());
    }

    @Override
    public JsonNode getNullValue(DeserializationContext ctxt) {
        return NullNode.getInstance();
    }

    private JsonNode value(JsonParser p, DeserializationContext ctxt, JsonNodeFactory f) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return (JsonNode) ctxt.handleUnexpectedToken(JsonNode.class, p);
        }
        return switch (t) {
            case START_OBJECT, FIELD_NAME -> object(p, ctxt, f);
            case START_ARRAY -> array(p, ctxt, f);
            case VALUE_STRING -> f.textNode(p.getText());
            case VALUE_NUMBER_INT -> integer(p, f);
            case VALUE_NUMBER_FLOAT -> fraction(p, f);
            case VALUE_TRUE -> f.booleanNode(true);
            case VALUE_FALSE -> f.booleanNode(false);
            case VALUE_NULL -> f.nullNode();
            case VALUE_EMBEDDED_OBJECT -> f.pojoNode(p.getEmbeddedObject());
            default -> (JsonNode) ctxt.handleUnexpectedToken(JsonNode.class, p);
        };
    }

    private ObjectNode object(JsonParser p, DeserializationContext ctxt, JsonNodeFactory f) throws IOException {
        ObjectNode o = f.objectNode();
        String name = p.currentToken() == JsonToken.START_OBJECT ? p.nextFieldName() : p.currentName();
        for (; name != null; name = p.nextFieldName()) {
            p.nextToken();
            JsonNode v = value(p, ctxt, f);
            o.remove(name); // again: last place, last value
            o.set(name, v);
        }
        return o;
    }

    private ArrayNode array(JsonParser p, DeserializationContext ctxt, JsonNodeFactory f) throws IOException {
        ArrayNode a = f.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            a.add(value(p, ctxt, f));
        }
        return a;
    }

    private static JsonNode integer(JsonParser p, JsonNodeFactory f) throws IOException {
        return switch (p.getNumberType()) {
            case INT -> p.getIntValue() == 0 && negative(p) ? f.numberNode(-0.0d) : f.numberNode(p.getIntValue());
            case LONG -> f.numberNode(p.getLongValue());
            default -> f.numberNode(p.getBigIntegerValue());
        };
    }

    private static JsonNode fraction(JsonParser p, JsonNodeFactory f) throws IOException {
        var d = p.getDecimalValue();
        return d.signum() == 0 && negative(p) ? f.numberNode(-0.0d) : f.numberNode(d);
    }

    private static boolean negative(JsonParser p) throws IOException {
        return p.getText().startsWith("-");
    }
}
