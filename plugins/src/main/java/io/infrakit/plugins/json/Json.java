package io.infrakit.plugins.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson setup for InfraKit JSON. It reads the way Go's {@code encoding/json} does: keys match
 * case-insensitively, unknown keys are ignored, no silent type coercion ({@code "5"} is not a number, {@code 5} is
 * not a string). It writes InfraKit's capitalised names (from the records' annotations), nulls as {@code null} (Go
 * writes nil maps and slices that way) and map entries sorted by key (Go sorts maps). Opaque properties
 * ({@link JsonNode}) keep their key order and their numbers exactly: floats are read as {@link java.math.BigDecimal}
 * with trailing zeros kept and big integers as {@link java.math.BigInteger}, so {@code 1.50} is written back as
 * {@code 1.50}; a negative zero stays negative, and of a key given twice the last counts ({@link GoTreeReader}). A
 * document with anything after its value is rejected.
 */
public final class Json {

    private static final ObjectMapper MAPPER = build();

    private Json() {
    }

    private static ObjectMapper build() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .nodeFactory(new JsonNodeFactory(true)) // keeps 1.50 as 1.50
                .addModule(new SimpleModule("go-trees").addDeserializer(JsonNode.class, new GoTreeReader()))
                .build();
        // Go never turns a number into a string or a string into a number; neither do we.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigDefaults()
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return mapper;
    }

    /** The shared mapper. Thread-safe; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses one JSON document.
     *
     * @throws JsonFormatException when the text is empty, malformed, or has trailing content
     */
    public static JsonNode parse(String text) {
        try {
            return present(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            throw formatError(e);
        }
    }

    /** Parses UTF-8 bytes; see {@link #parse(String)}. */
    public static JsonNode parse(byte[] utf8) {
        try {
            return present(MAPPER.readTree(utf8));
        } catch (JsonProcessingException e) {
            throw formatError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not reached: reading from memory
        }
    }

    /** Compact JSON of a value (a record, a map, a {@link JsonNode}). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A value as a tree, written with this mapper's rules. */
    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    private static JsonNode present(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw new JsonFormatException("empty document", -1, -1, null);
        }
        return node;
    }

    private static JsonFormatException formatError(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        int line = at == null ? -1 : at.getLineNr();
        int column = at == null ? -1 : at.getColumnNr();
        return new JsonFormatException(plain(e.getOriginalMessage()), line, column, e);
    }

    /**
     * The parser's message in a user's terms: its first line, without character codes, its source locations and
     * its advice on parser features ({@code unexpected '"': was expecting comma to separate Object entries}).
     */
    public static String plain(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int nl = message.indexOf('\n');
        String text = nl < 0 ? message : message.substring(0, nl);
        text = text.replaceAll("Unexpected character \\(('.+?') \\(code \\d+\\)\\)", "unexpected $1")
                .replaceAll("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)", "(control character $1)")
                .replaceAll(" \\(code \\d+\\)", "")
                .replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
                .replaceAll(": enable `[^`]*` to allow", "")
                .replaceAll("\\(JSON String, Number, Array, Object or token 'null', 'true' or 'false'\\)",
                        "a JSON value");
        return text;
    }
}
