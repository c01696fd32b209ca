package io.infrakit.operator.sync;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.write.PluginCheck;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.store.Utf8;
import io.infrakit.plugins.spi.GroupSpec;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;

/**
 * Parses and validates every spec of a source, all before anything is written. A file holds one spec or an array
 * of them, as JSON ({@code *.json}) or YAML ({@code *.yaml}, {@code *.yml}; several {@code ---} documents allowed).
 * YAML is turned into the same JSON tree InfraKit would read, so both validate and compare alike. Problems carry the
 * file and the line of the spec (or of the syntax error); every problem of every file is reported at once.
 */
public final class SpecFiles {

    /** Past this many problems the rest are summarised: one broken template can break hundreds of files. */
    static final int MAX_PROBLEMS = 50;

    private static final ObjectReader JSON = Json.mapper().reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final YAMLMapper YAML_MAPPER = yamlMapper();
    private static final ObjectReader YAML = YAML_MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Admission admission;
    private final PluginLookup plugins;
    private final List<SyncProblem> problems = new ArrayList<>();
    private final Map<String, DesiredGroup> groups = new LinkedHashMap<>();

    private SpecFiles(Admission admission, PluginLookup plugins) {
        this.admission = admission;
        this.plugins = plugins;
    }

    private static YAMLMapper yamlMapper() {
        return YAMLMapper.builder(new YAMLFactory())
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    /** {@link #parse(List, Admission, PluginLookup)} without a policy. */
    public static List<DesiredGroup> parse(List<SourceFile> files, PluginLookup plugins) throws SyncException {
        return parse(files, Admission.none(), plugins);
    }

    /**
     * The specs of the files, in file order, each checked with {@link SpecValidator#parse}, admitted by the policy
     * and, when {@code plugins} is not null, checked by {@link PluginCheck#check}.
     *
     * @throws SyncException listing every problem: syntax, validation, refusals, duplicate group IDs
     */
    public static List<DesiredGroup> parse(List<SourceFile> files, Admission admission, PluginLookup plugins)
            throws SyncException {
        SpecFiles parser = new SpecFiles(admission, plugins);
        for (SourceFile file : files) {
            parser.file(file);
        }
        if (!parser.problems.isEmpty()) {
            List<SyncProblem> shown = new ArrayList<>(parser.problems.subList(0,
                    Math.min(MAX_PROBLEMS, parser.problems.size())));
            if (parser.problems.size() > MAX_PROBLEMS) {
                shown.add(SyncProblem.of("and " + (parser.problems.size() - MAX_PROBLEMS) + " more problems"));
            }
            throw new SyncException(shown);
        }
        return List.copyOf(parser.groups.values());
    }

    private void file(SourceFile file) {
        int notUtf8 = Utf8.firstMalformed(file.content());
        if (notUtf8 >= 0) {
            try {
                SpecValidator.checkUtf8(notUtf8);
            } catch (SpecException e) {
                problems.add(SyncProblem.at(file.path(), lineAt(file.content(), notUtf8), e.getMessage()));
                return;
            }
        }
        boolean yaml = TreePaths.isYaml(file.path());
        if (yaml && hasAlias(file)) {
            return;
        }
        JsonFactory factory = yaml ? YAML_MAPPER.getFactory() : Json.mapper().getFactory();
        ObjectReader reader = yaml ? YAML : JSON;
        int documents = 0;
        try (JsonParser p = factory.createParser(file.content())) {
            JsonToken first = p.nextToken();
            if (first == null && !yaml) {
                problems.add(SyncProblem.at(file.path(), 1, "not valid JSON: the file is empty"));
                return;
            }
            while (p.currentToken() != null) {
                documents++;
                if (documents > 1 && !yaml) {
                    problems.add(SyncProblem.at(file.path(), line(p.currentTokenLocation()),
                            "not valid JSON: unexpected content after the first value"));
                    return;
                }
                document(file.path(), p, reader, yaml);
                p.nextToken();
            }
        } catch (JsonProcessingException e) {
            String kind = yaml ? "YAML" : "JSON";
            problems.add(SyncProblem.at(file.path(), line(e.getLocation()), "not valid " + kind + ": "
                    + Json.plain(e.getOriginalMessage())));
        } catch (IOException e) {
            problems.add(SyncProblem.at(file.path(), 0, "cannot parse: " + e.getMessage()));
        }
    }

    /** The line (from 1) of the byte at {@code offset}. */
    private static int lineAt(byte[] content, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (content[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * Jackson reads a YAML alias ({@code *name}, {@code <<: *base}) as the plain string "name", which would sync a
     * spec that differs from the file without a word; so aliases are refused, with their line.
     */
    private boolean hasAlias(SourceFile file) {
        try {
            for (Event e : new Yaml().parse(new StringReader(new String(file.content(), StandardCharsets.UTF_8)))) {
                if (e instanceof AliasEvent alias) {
                    problems.add(SyncProblem.at(file.path(), e.getStartMark().getLine() + 1, "YAML aliases (*"
                            + alias.getAnchor() + ") are not supported: write the values out"));
                    return true;
                }
            }
        } catch (YAMLException e) {
            return false; // a syntax error: reported with its line by the parse that follows
        }
        return false;
    }

    /** One document: a spec, or an array of specs. Leaves the parser on the document's last token. */
    private void document(String path, JsonParser p, ObjectReader reader, boolean yaml) throws IOException {
        if (p.currentToken() == JsonToken.START_ARRAY) {
            int index = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                int line = line(p.currentTokenLocation());
                spec(path, line, reader.readTree(p), yaml, "element " + index++);
            }
        } else if (yaml && (p.currentToken() == JsonToken.VALUE_NULL
                || p.currentToken() == JsonToken.VALUE_STRING && p.getText().isEmpty())) {
            return; // an empty YAML document ("---" alone)
        } else {
            int line = line(p.currentTokenLocation());
            spec(path, line, reader.readTree(p), yaml, null);
        }
    }

    private void spec(String path, int line, JsonNode node, boolean yaml, String element) {
        String at = element == null ? "" : element + ": ";
        if (node == null || !node.isObject()) {
            problems.add(SyncProblem.at(path, line, at + "expected a group spec (an object) or an array of them, got "
                    + (node == null ? "nothing" : ObjectFields.kind(node))));
            return;
        }
        if (yaml) {
            try {
                node = Json.parse(Json.write(node)); // the same numbers and types a JSON file would give
            } catch (IllegalArgumentException e) {
                problems.add(SyncProblem.at(path, line, at + "cannot be read as JSON: " + e.getMessage()));
                return;
            }
        }
        String id = idOf(node);
        String named = id == null ? at : at + "group '" + id + "': ";
        Map<String, String> annotations;
        try {
            annotations = SyncAnnotations.read(node);
        } catch (IllegalArgumentException e) {
            problems.add(SyncProblem.at(path, line, named + e.getMessage()));
            return;
        }
        Map<String, String> reserved = SyncAnnotations.own(annotations, true);
        if (!reserved.isEmpty()) {
            problems.add(SyncProblem.at(path, line, named + "annotations " + reserved.keySet() + " are written by sync"
                    + " and must not be in the source"));
            return;
        }
        String groupPlugin = node.path("Plugin").isTextual() ? node.path("Plugin").textValue() : null;
        if (GroupRouting.DEFAULT.delegates(new GroupSpec(null, groupPlugin, null))) {
            problems.add(SyncProblem.at(path, line, named + "names group plugin '" + groupPlugin + "': specs for "
                    + "other group plugins are committed with infrakit group commit, not synced"));
            return;
        }
        GroupDefinition def;
        try {
            def = SpecValidator.parse(null, Json.write(node), 0);
            admission.check(def);
            if (plugins != null) {
                PluginCheck.check(def, plugins);
            }
        } catch (SpecException e) {
            problems.add(SyncProblem.at(path, line, named + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            // A plugin's validate may fail in ways of its own; that is still this spec's problem.
            problems.add(SyncProblem.at(path, line, named + "plugin check failed: " + e.getMessage()));
            return;
        }
        ObjectNode content = SyncAnnotations.content(def.spec(), annotations);
        DesiredGroup group = new DesiredGroup(def.id(), path, line, content);
        DesiredGroup earlier = groups.putIfAbsent(def.id(), group);
        if (earlier != null) {
            problems.add(SyncProblem.at(path, line, "duplicate group ID '" + def.id() + "': also defined at "
                    + earlier.where()));
        }
    }

    private static String idOf(JsonNode node) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equalsIgnoreCase("ID") && e.getValue().isTextual()) {
                return e.getValue().textValue();
            }
        }
        return null;
    }

    private static int line(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? 0 : location.getLineNr();
    }
}
