package io.infrakit.operator.sync;

import static io.infrakit.operator.sync.GitRepo.cattle;
import static io.infrakit.operator.sync.GitRepo.cattleYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.operator.group.FieldChange;
import io.infrakit.operator.group.JsonDiff;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.group.SyncAnnotations;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing and validating source files: JSON and YAML, arrays, lines in errors, duplicates, annotations. */
class SpecFilesTest {

    @TempDir
    Path dir;

    private static SourceFile file(String path, String content) {
        return new SourceFile(path, content.getBytes(StandardCharsets.UTF_8));
    }

    private static List<SyncProblem> problems(SourceFile... files) {
        try {
            SpecFiles.parse(List.of(files), null);
        } catch (SyncException e) {
            return e.problems();
        }
        throw new AssertionError("expected the files to be refused");
    }

    @Test
    void readsOneSpecOrAnArrayPerJsonFile() throws Exception {
        List<DesiredGroup> groups = SpecFiles.parse(List.of(
                file("a.json", cattle("web", 3)),
                file("b.json", "[\n" + cattle("db", 1) + ",\n" + cattle("cache", 2) + "\n]")), null);
        assertThat(groups).extracting(DesiredGroup::id).containsExactly("web", "db", "cache");
        assertThat(groups).extracting(DesiredGroup::line).containsExactly(1, 2, 3);
        assertThat(groups.get(2).path()).isEqualTo("b.json");
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithItsLine() {
        byte[] latin1 = ("[\n" + cattle("a", 1) + ",\n" + cattle("b", 1).replace("\"b\"", "\"b\u00e9\"") + "\n]")
                .getBytes(StandardCharsets.ISO_8859_1);
        List<SyncProblem> problems = problems(new SourceFile("two.json", latin1));
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).toString()).contains("two.json").contains(":3")
                .contains("Spec is not valid UTF-8 (byte ");
    }

    @Test
    void yamlGivesTheSameContentAsJson() throws Exception {
        DesiredGroup fromJson = SpecFiles.parse(List.of(file("web.json", cattle("web", 3))), null).get(0);
        DesiredGroup fromYaml = SpecFiles.parse(List.of(file("web.yaml", cattleYaml("web", 3))), null).get(0);
        assertThat(fromYaml.content()).isEqualTo(fromJson.content());
        assertThat(Json.write(fromYaml.content())).isEqualTo(Json.write(fromJson.content()));
    }

    @Test
    void yamlFilesMayHoldSeveralDocumentsAndLists() throws Exception {
        String yaml = cattleYaml("a", 1) + "---\n" + "- " + cattleYaml("b", 2).replace("\n", "\n  ").strip() + "\n"
                + "---\n";
        List<DesiredGroup> groups = SpecFiles.parse(List.of(file("x.yml", yaml)), null);
        assertThat(groups).extracting(DesiredGroup::id).containsExactly("a", "b");
        assertThat(groups.get(1).line()).isEqualTo(15);
    }

    @Test
    void keepsNumbersExactlyAsWritten() throws Exception {
        String spec = cattle("web", 3).replace("\"Note\":\"web\"", "\"Price\":1.50");
        DesiredGroup g = SpecFiles.parse(List.of(file("web.json", spec)), null).get(0);
        assertThat(Json.write(g.content())).contains("\"Price\":1.50");
        String yaml = cattleYaml("web", 3).replace("Note: web", "Price: 1.50");
        DesiredGroup y = SpecFiles.parse(List.of(file("web.yaml", yaml)), null).get(0);
        assertThat(y.content()).isEqualTo(g.content());
    }

    @Test
    void jsonSyntaxErrorNamesFileAndLine() {
        List<SyncProblem> p = problems(file("ok.json", cattle("ok", 1)),
                file("bad.json", "{\n  \"ID\": \"web\",\n  \"Properties\": {,\n}"));
        assertThat(p).hasSize(1);
        assertThat(p.get(0).path()).isEqualTo("bad.json");
        assertThat(p.get(0).line()).isEqualTo(3);
        assertThat(p.get(0).message()).startsWith("not valid JSON");
    }

    @Test
    void specsForOtherGroupPluginsAreNotSynced() {
        List<SyncProblem> p = problems(file("mine.json", "{\"ID\":\"nginx\",\"Plugin\":\"my-group\","
                + "\"Properties\":{\"port\":8080}}"));
        assertThat(p).hasSize(1);
        assertThat(p.get(0).message()).contains("names group plugin 'my-group'").contains("not synced");
    }

    @Test
    void yamlSyntaxErrorNamesFileAndLine() {
        List<SyncProblem> p = problems(file("bad.yaml", "ID: web\nProperties:\n  Allocation: [1,\n  x: : :\n"));
        assertThat(p).hasSize(1);
        assertThat(p.get(0).path()).isEqualTo("bad.yaml");
        assertThat(p.get(0).line()).isGreaterThanOrEqualTo(3);
        assertThat(p.get(0).message()).startsWith("not valid YAML");
    }

    @Test
    void yamlAliasesAreRefusedRatherThanReadAsStrings() {
        String yaml = "ID: web\nProperties:\n  Allocation: {Size: 1}\n"
                + "  Instance: &inst {Plugin: instance-file}\n  Flavor: {Plugin: flavor-vanilla, Properties: *inst}\n";
        assertThat(problems(file("web.yaml", yaml))).extracting(SyncProblem::toString)
                .containsExactly("web.yaml:5: YAML aliases (*inst) are not supported: write the values out");
    }

    @Test
    void validationErrorNamesTheSpecLineAndTheGroup() {
        String bad = cattle("db", 1).replace("\"Size\":1", "\"Size\":-2");
        List<SyncProblem> p = problems(file("all.json", "[\n" + cattle("web", 1) + ",\n" + bad + "\n]"));
        assertThat(p).hasSize(1);
        assertThat(p.get(0).toString())
                .isEqualTo("all.json:3: element 1: group 'db': Invalid properties: Allocation.Size must not be "
                        + "negative (got -2)");
    }

    @Test
    void everyBadFileIsReportedAtOnce() {
        List<SyncProblem> p = problems(file("a.json", "nope"), file("b.json", "{\"ID\":\"b\"}"),
                file("c.json", ""), file("d.json", "[1]"), file("e.json", cattle("e", 1) + cattle("f", 1)));
        assertThat(p).extracting(SyncProblem::path).containsExactly("a.json", "b.json", "c.json", "d.json", "e.json");
        assertThat(p.get(1).message()).contains("Properties must not be blank");
        assertThat(p.get(2).message()).contains("empty");
        assertThat(p.get(3).message()).contains("expected a group spec");
        assertThat(p.get(4).message()).contains("after the first value");
    }

    @Test
    void duplicateIdsAcrossFilesAreAnError() {
        List<SyncProblem> p = problems(file("a.json", cattle("web", 1)), file("b/c.yaml", cattleYaml("web", 2)));
        assertThat(p).hasSize(1);
        assertThat(p.get(0).toString()).isEqualTo("b/c.yaml:1: duplicate group ID 'web': also defined at a.json:1");
    }

    @Test
    void userAnnotationsAreKeptAndSyncsOwnAreRefused() throws Exception {
        String annotated = cattle("web", 1).replaceFirst("\\{", "{\"Annotations\":{\"team\":\"blue\"},");
        DesiredGroup g = SpecFiles.parse(List.of(file("a.json", annotated)), null).get(0);
        assertThat(SyncAnnotations.read(g.content())).isEqualTo(Map.of("team", "blue"));

        String reserved = cattle("web", 1).replaceFirst("\\{", "{\"annotations\":{\"infrakit.sync/source\":\"x\"},");
        assertThat(problems(file("a.json", reserved)).get(0).message()).contains("written by sync");
        String notStrings = cattle("web", 1).replaceFirst("\\{", "{\"Annotations\":{\"n\":1},");
        assertThat(problems(file("a.json", notStrings)).get(0).message()).contains("must be a string");
    }

    @Test
    void pluginsAreAskedWhenGiven() {
        String unknown = cattle("web", 1).replace("instance-file", "instance-nowhere");
        assertThatThrownBy(() -> SpecFiles.parse(List.of(file("a.json", unknown)), PluginRegistry.builtins(dir)))
                .isInstanceOf(SyncException.class).hasMessageContaining("a.json:1: group 'web': Failed to find Instance");
    }

    @Test
    void annotatedValueValidatesAndHashesLikeThePlainSpec() throws Exception {
        DesiredGroup g = SpecFiles.parse(List.of(file("a.json", cattle("web", 3))), null).get(0);
        String stored = SyncAnnotations.value(g.content(), Map.of(SyncAnnotations.SOURCE, "infra",
                SyncAnnotations.COMMIT, "0123456789abcdef0123456789abcdef01234567", SyncAnnotations.PATH, "a.json"));
        assertThat(stored).contains("\"Annotations\":{\"infrakit.sync/commit\"");
        var plain = SpecValidator.parse("web", cattle("web", 3), 1);
        var annotated = SpecValidator.parse("web", stored, 1);
        assertThat(annotated.configHash()).isEqualTo(plain.configHash());
        assertThat(annotated.desired()).isEqualTo(3);
        StoredGroup back = StoredGroup.of("web", "/k/groups/web", stored, 7);
        assertThat(back.content()).isEqualTo(g.content());
        assertThat(back.owner()).isEqualTo("infra");
        assertThat(back.path()).isEqualTo("a.json");
    }

    @Test
    void diffListsFieldsThatDiffer() throws Exception {
        var a = Json.parse(cattle("web", 3));
        var b = Json.parse(cattle("web", 5, "echo hi").replace("\"Note\":\"web\"", "\"Note\":\"web\",\"x.y\":1"));
        assertThat(JsonDiff.diff(a, b)).extracting(FieldChange::path).containsExactly(
                "Properties.Allocation.Size", "Properties.Instance.Properties[\"x.y\"]",
                "Properties.Flavor.Properties.Init[0]");
        assertThat(JsonDiff.diff(a, a)).isEmpty();
        assertThat(JsonDiff.diff(null, Json.parse("{\"A\":{\"B\":1}}")))
                .containsExactly(new FieldChange("A.B", null, Json.parse("1")));
    }
}
