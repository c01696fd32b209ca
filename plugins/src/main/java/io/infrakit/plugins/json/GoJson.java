package io.infrakit.plugins.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a JSON tree byte-for-byte as Go's {@code encoding/json} (Go 1.8, the toolchain of InfraKit v0.5) would:
 * {@code json.Marshal} escaping with HTML escaping on, and the layout of {@code json.MarshalIndent(v, prefix,
 * indent)}. Two modes cover InfraKit's two uses. A <em>decoded</em> value is one that went through
 * {@code map[string]interface{}}: keys sorted, every number a float64, strings as Go's decoder left them. Otherwise
 * the tree is written like a {@code json.RawMessage}: key order kept and numbers as read.
 */
public final class GoJson {

    /**
     * Output shape. {@code indent == null} is compact ({@code json.Marshal}); otherwise {@code json.MarshalIndent}
     * with the given prefix and indent (the prefix starts every line but the first).
     */
    public record Style(boolean decoded, String prefix, String indent) {

        /** {@code json.Marshal} of a raw message. */
        public static final Style COMPACT = new Style(false, "", null);

        public Style {
            prefix = prefix == null ? "" : prefix;
        }
    }

    /** Go's map key order: by UTF-8 bytes, which is code point order (not Java's UTF-16 order). */
    public static final Comparator<String> KEY_ORDER = GoJson::compareCodePoints;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    /** Compact, key order kept, numbers verbatim. */
    public static String compact(JsonNode node) {
        return write(node, Style.COMPACT);
    }

    public static String write(JsonNode node, Style style) {
        StringBuilder out = new StringBuilder(256);
        new Writer(out, style).value(node, 0);
        return out.toString();
    }

    /** Appends {@code s} as a Go JSON string literal, quotes included. */
    public static void quote(StringBuilder out, String s) {
        out.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
                    out.append(c);
                    continue;
                }
                switch (c) {
                    case '"', '\\' -> out.append('\\').append(c);
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    // Go 1.8 has no short forms for \b and \f: they come out as \u0008 and \u000c.
                    default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                }
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                // A lone surrogate has no UTF-8 form: keep it as an escape, as a raw message would carry it.
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            } else if (c == '\u2028' || c == '\u2029') {
                out.append("\\u202").append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** The string Go holds after decoding (its decoder replaces what is not UTF-8): lone surrogates become U+FFFD. */
    static String goString(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return replaceLoneSurrogates(s);
            }
        }
        return s;
    }

    private static String replaceLoneSurrogates(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** One write: the style and the output. */
    private record Writer(StringBuilder out, Style style) {

        void value(JsonNode node, int depth) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                out.append("null");
            } else if (node.isObject()) {
                object(node, depth);
            } else if (node.isArray()) {
                array(node, depth);
            } else if (node.isTextual()) {
                quote(out, style.decoded() ? goString(node.textValue()) : node.textValue());
            } else if (node.isBoolean()) {
                out.append(node.booleanValue());
            } else if (node.isNumber()) {
                number(node);
            } else {
                throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
            }
        }

        private void object(JsonNode node, int depth) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.size());
            if (style.decoded()) {
                // As a Go map: keys as Go decoded them, the last of equal keys wins, sorted.
                Map<String, JsonNode> sorted = new TreeMap<>(KEY_ORDER);
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    sorted.put(goString(e.getKey()), e.getValue());
                }
                fields.addAll(sorted.entrySet());
            } else {
                fields.addAll(node.properties());
            }
            if (fields.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                newline(depth + 1);
                quote(out, fields.get(i).getKey());
                out.append(style.indent() == null ? ":" : ": ");
                value(fields.get(i).getValue(), depth + 1);
            }
            newline(depth);
            out.append('}');
        }

        private void array(JsonNode node, int depth) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            boolean first = true;
            for (JsonNode element : node) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(depth + 1);
                value(element, depth + 1);
            }
            newline(depth);
            out.append(']');
        }

        private void newline(int depth) {
            if (style.indent() == null) {
                return;
            }
            out.append('\n').append(style.prefix());
            for (int i = 0; i < depth; i++) {
                out.append(style.indent());
            }
        }

        private void number(JsonNode node) {
            if (style.decoded()) {
                out.append(GoFloat.format(toFloat64(node)));
            } else if (node.isFloatingPointNumber() && !node.isBigDecimal()) {
                out.append(GoFloat.format(node.doubleValue())); // a double put into a tree by code, not read
            } else if (node.isBigDecimal()) {
                out.append(node.decimalValue().toString());
            } else {
                out.append(node.bigIntegerValue().toString());
            }
        }
    }

    /**
     * The float64 Go's decoder makes of a number: correctly rounded; tiny values underflow to zero.
     *
     * @throws IllegalArgumentException when the number is beyond float64's range (Go's decoder refuses it)
     */
    public static double toFloat64(JsonNode number) {
        double d;
        if (number.isIntegralNumber() && number.canConvertToLong()) {
            d = number.longValue(); // long to double rounds to nearest, as strconv does
        } else if (number.isBigDecimal() || number.isBigInteger()) {
            BigDecimal exact = number.isBigDecimal() ? number.decimalValue() : new BigDecimal(number.bigIntegerValue());
            d = Double.parseDouble(exact.toString());
        } else {
            d = number.doubleValue();
        }
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            throw new IllegalArgumentException("number " + number.asText() + " is out of the range of a float64");
        }
        return d;
    }
}
