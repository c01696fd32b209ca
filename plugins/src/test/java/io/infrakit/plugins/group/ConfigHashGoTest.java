package io.infrakit.plugins.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The config hash against InfraKit's own Go code ({@link GoInstanceHash}, run with Debian's Go): hand-picked specs
 * for each of Go's JSON encoding rules (floats in exponent form, negative zero, integers beyond 2^53, HTML-sensitive
 * characters, U+2028 and U+2029, control characters, non-ASCII keys and values and their order, escapes, nulls,
 * keys that differ in case or repeat), and thousands of generated ones. Where Go computes a hash, ours must be the
 * same; where InfraKit refuses a spec, so must we.
 */
class ConfigHashGoTest {

    /** Ours: the hash of the spec, or "error" when it is refused. */
    private static String ours(String spec) {
        try {
            return GroupSpecs.properties(GroupSpecs.parse(spec)).configHash();
        } catch (RuntimeException e) {
            return "error: " + e.getMessage();
        }
    }

    private static String spec(String instance, String flavor) {
        return "{\"ID\":\"g\",\"Properties\":{\"Allocation\":{\"Size\":1}"
                + (instance == null ? "" : ",\"Instance\":" + instance)
                + (flavor == null ? "" : ",\"Flavor\":" + flavor) + "}}";
    }

    private static String props(String properties) {
        return spec("{\"Plugin\":\"file\",\"Properties\":" + properties + "}", "{\"Plugin\":\"vanilla\"}");
    }

    /** Compares every case; returns the cases that differ, each with both answers. */
    private static List<String> differences(List<String> specs) throws Exception {
        List<String> go = GoInstanceHash.of(GoInstanceHash.utf8(specs));
        List<String> out = new ArrayList<>();
        int hashed = 0;
        for (int i = 0; i < specs.size(); i++) {
            String mine = ours(specs.get(i));
            String theirs = go.get(i);
            boolean bothRefuse = mine.startsWith("error") && theirs.startsWith("error");
            if (!bothRefuse && !mine.equals(theirs)) {
                out.add(specs.get(i) + "\n    Go:   " + theirs + "\n    Java: " + mine);
            }
            hashed += theirs.startsWith("error") ? 0 : 1;
        }
        assertThat(hashed).as("most cases are specs InfraKit hashes").isGreaterThan(specs.size() / 2);
        return out;
    }

    @Test
    void eachOfGosEncodingRules() throws Exception {
        List<String> cases = new ArrayList<>();
        for (String n : new String[] {"0", "-0", "-0.0", "0.0", "0e10", "-0e-3", "1", "-1", "1.0", "1.5", "1e0",
                "1e20", "1e21", "1E21", "123456789012345678901", "1e-6", "1e-7", "9.999999e-7", "0.000001",
                "0.0000001", "1.7976931348623157e308", "5e-324", "4.9e-324", "2.2250738585072014e-308", "1e-400",
                "9007199254740992", "9007199254740993", "9007199254740995", "18446744073709551615",
                "18446744073709551617", "-9223372036854775809", "100000000000000000000000", "1e400", "-1e400",
                "0.1", "0.30000000000000004", "3.141592653589793238462643383279", "1e+2", "1E-2", "12e-1",
                "100", "1e2", "1e100", "1.23e-5", "123456.789e3"}) {
            cases.add(props("{\"n\":" + n + ",\"a\":[" + n + "]}"));
        }
        for (String s : new String[] {"<script>&amp;</script>", "a\\u003cb", "\\u2028\\u2029", "\u2028\u2029",
                "\\u0000\\u0001\\u001f", "\\b\\f\\n\\r\\t", "\\/", "\\\"\\\\", "\u007f\u0080\u00ff", "é", "e\u0301",
                "中文", "😀", "\\ud83d\\ude00", "\\ud800", "\\udc00x", "\\ud800\\ud800", "\uFEFF\uFFFD", "\\u00e9",
                "tab\there", "a\\u0026b"}) {
            cases.add(props("{\"s\":\"" + s + "\"}"));
            cases.add(props("{\"" + s + "\":1}"));
        }
        cases.add(props("{\"b\":1,\"a\":2,\"B\":3,\"A\":4,\"é\":5,\"z\":6,\"\uff61\":7,\"😀\":8,\"\":9,\"a b\":10}"));
        cases.add(props("{\"a\":1,\"a\":2}"));
        cases.add(props("{\"a\":{\"x\":1},\"a\":null}"));
        cases.add(props("{\"k\":null,\"l\":[null,{}],\"m\":{}}"));
        cases.add(props("null"));
        cases.add(props("[]"));
        cases.add(props("\"just a string\""));
        cases.add(props("12"));
        cases.add(props("  {  \"spaced\" :\n [ 1 , 2 ] }  "));
        cases.add(spec(null, null));
        cases.add(spec("null", "null"));
        cases.add(spec("{}", "{}"));
        cases.add(spec("{\"plugin\":\"file\",\"PROPERTIES\":{\"a\":1}}", "{\"pLuGiN\":\"vanilla\"}"));
        cases.add(spec("{\"Plugin\":\"a\",\"plugin\":\"b\"}", null));
        cases.add(spec("{\"Plugin\":\"a\",\"plugin\":null}", null));
        cases.add(spec("{\"Plugin\":\"a\",\"Properties\":{\"x\":1},\"properties\":null}", null));
        cases.add(spec("{\"Plugin\":\"a\",\"Properties\":null,\"properties\":{\"x\":1}}", null));
        cases.add(spec("{\"Plugin\":\"x<&>\\u2028\",\"Properties\":{}}", null));
        cases.add(spec("{\"Plugin\":\"file\",\"Properties\":{},\"Extra\":1}", null));
        cases.add(spec("{\"Plugin\":1}", null));
        cases.add(spec("{\"Plugin\":\"a\",\"Plugin\":\"b\",\"plugin\":\"c\",\"Plugin\":\"d\"}", null));
        cases.add(spec("{\"\u212Aey\":1,\"Plugin\":\"kelvin\"}", null));
        cases.add(spec("[]", null));
        cases.add(spec("\"file\"", null));
        cases.add("{\"ID\":\"g\",\"properties\":{\"instance\":{\"plugin\":\"file\"},\"FLAVOR\":{\"Plugin\":\"v\"}}}");
        assertThat(differences(cases)).isEmpty();
    }

    @Test
    void thousandsOfGeneratedSpecs() throws Exception {
        List<String> cases = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            Generator g = new Generator(new Random(seed));
            for (int i = 0; i < 1000; i++) {
                cases.add(spec(g.section(), g.section()));
            }
        }
        List<String> diff = differences(cases);
        assertThat(diff).as(diff.isEmpty() ? "" : diff.size() + " differ, the first:\n" + diff.get(0)).isEmpty();
    }

    @Test
    void bytesThatAreNotUtf8AreHashedByGoInWaysJavasDecodingDoesNot() throws Exception {
        // Go replaces each byte that is not UTF-8 with U+FFFD; Java's decoder replaces a whole ill-formed sequence
        // with one. So such specs are refused before anything is hashed (the operator checks UTF-8 strictly).
        byte[] spec = props("{\"s\":\"a\u0000b\"}").getBytes(StandardCharsets.UTF_8);
        int at = new String(spec, StandardCharsets.UTF_8).indexOf('\u0000');
        byte[] bad = spec.clone();
        bad[at] = (byte) 0xE2;
        byte[] withNext = new byte[bad.length + 1];
        System.arraycopy(bad, 0, withNext, 0, at + 1);
        withNext[at + 1] = (byte) 0x82;
        System.arraycopy(bad, at + 1, withNext, at + 2, bad.length - at - 1);
        List<String> go = GoInstanceHash.of(List.of(withNext));
        assertThat(go.get(0)).doesNotStartWith("error");
        assertThat(ours(new String(withNext, StandardCharsets.UTF_8))).isNotEqualTo(go.get(0));
    }

    /** Random sections and properties, spelled in every way JSON allows. */
    private static final class Generator {
        private static final String[] KEYS = {"a", "b", "A", "B", "é", "e\u0301", "\uff61", "😀", "", "<", "a b",
            "\\u0061", "k\\u2028", "Plugin", "zz", "\u212A"};
        private static final String[] NUMBERS = {"0", "-0", "-0.0", "1e21", "1e20", "1e-7", "1e-6", "5e-324",
            "9007199254740993", "18446744073709551617", "1.7976931348623157e308", "0.1", "1E+3", "12e-1", "-1.5e-9",
            "123456789012345678901234567890"};
        private final Random r;

        Generator(Random r) {
            this.r = r;
        }

        String section() {
            return switch (r.nextInt(12)) {
                case 0 -> "null";
                case 1 -> "{}";
                case 2 -> "{\"plugin\":" + string() + ",\"properties\":" + value(0) + "}";
                case 3 -> "{\"Plugin\":" + string() + ",\"Plugin\":" + string() + ",\"Properties\":" + value(0) + "}";
                case 4 -> "{\"Plugin\":" + string() + ",\"Properties\":" + value(0) + ",\"PROPERTIES\":null}";
                case 5 -> "{\"Properties\":" + value(0) + "}";
                default -> "{\"Plugin\":" + string() + ",\"Properties\":" + object(0) + "}";
            };
        }

        String value(int depth) {
            return switch (r.nextInt(depth > 3 ? 4 : 7)) {
                case 0 -> number();
                case 1, 3 -> string();
                case 2 -> new String[] {"true", "false", "null"}[r.nextInt(3)];
                case 4, 6 -> object(depth + 1);
                default -> array(depth + 1);
            };
        }

        String object(int depth) {
            StringBuilder sb = new StringBuilder("{");
            int n = r.nextInt(5);
            String last = null;
            for (int i = 0; i < n; i++) {
                String key = last != null && r.nextInt(8) == 0 ? last
                        : r.nextInt(4) == 0 ? string() : "\"" + KEYS[r.nextInt(KEYS.length)] + "\"";
                sb.append(i == 0 ? "" : ",").append(space()).append(key).append(space()).append(':')
                        .append(space()).append(value(depth));
                last = key;
            }
            return sb.append(space()).append('}').toString();
        }

        String array(int depth) {
            StringBuilder sb = new StringBuilder("[");
            int n = r.nextInt(5);
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ",").append(value(depth));
            }
            return sb.append(']').toString();
        }

        String number() {
            return switch (r.nextInt(5)) {
                case 0 -> NUMBERS[r.nextInt(NUMBERS.length)];
                case 1 -> Long.toString(r.nextLong());
                case 2 -> Double.toString(Double.longBitsToDouble(r.nextLong() & 0x7FEFFFFFFFFFFFFFL));
                case 3 -> (r.nextBoolean() ? "-" : "") + r.nextInt(1000) + "." + r.nextInt(100000)
                        + (r.nextBoolean() ? "e" : "E") + (r.nextBoolean() ? "-" : "+") + r.nextInt(30);
                default -> Integer.toString(r.nextInt(100));
            };
        }

        String string() {
            StringBuilder sb = new StringBuilder("\"");
            int n = r.nextInt(6);
            for (int i = 0; i < n; i++) {
                sb.append(switch (r.nextInt(16)) {
                    case 0 -> "<";
                    case 1 -> ">&";
                    case 2 -> String.format("\\u%04x", r.nextInt(0x20));
                    case 3 -> new String[] {"\\b", "\\f", "\\n", "\\r", "\\t", "\\/", "\\\"", "\\\\"}[r.nextInt(8)];
                    case 4 -> r.nextBoolean() ? "\u2028" : "\\u2029";
                    case 5 -> "é";
                    case 6 -> "中";
                    case 7 -> r.nextBoolean() ? "😀" : "\\ud83d\\ude00";
                    case 8 -> r.nextBoolean() ? "\\ud800" : "\\udfff";
                    case 9 -> "\u007f";
                    case 10 -> "\uFEFF";
                    case 11 -> String.format("\\u%04X", 0x80 + r.nextInt(0x2000));
                    default -> Character.toString('a' + r.nextInt(26));
                });
            }
            return sb.append('"').toString();
        }

        String space() {
            return r.nextInt(6) == 0 ? " \n\t" : "";
        }
    }
}
