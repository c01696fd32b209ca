package io.infrakit.plugins.file;

import static io.infrakit.plugins.file.FileInstancePluginTest.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index behind listings stays true to the directory, whoever changes it, and a listing looks at its group only. */
class FileInstancePluginIndexTest {

    @TempDir
    Path dir;

    private FileInstancePlugin plugin;

    @BeforeEach
    void setUp() {
        plugin = new FileInstancePlugin(dir);
    }

    @AfterEach
    void tearDown() {
        plugin.close();
    }

    private static InstanceSpec spec(String group) {
        return new InstanceSpec(null, Map.of("infrakit.group", group), "", null, null);
    }

    private List<String> group(FileInstancePlugin p, String group) {
        return ids(p.describeInstances(Map.of("infrakit.group", group), false));
    }

    private List<String> provision(String group, int n) {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            made.add(plugin.provision(spec(group)));
        }
        return made;
    }

    private String retag(String id, String from, String to) throws IOException {
        Path file = dir.resolve(id);
        return Files.readString(file, StandardCharsets.UTF_8)
                .replace("\"infrakit.group\": \"" + from + "\"", "\"infrakit.group\": \"" + to + "\"");
    }

    @Test
    void aListingLooksAtTheFilesThatChangedOnly() throws IOException {
        List<String> a = provision("a", 3);
        for (int g = 0; g < 20; g++) {
            provision("other-" + g, 10);
        }
        assertThat(group(plugin, "a")).containsExactlyInAnyOrderElementsOf(a); // builds the index: reads all 203
        assertThat(plugin.indexedFiles()).isEqualTo(203);

        long before = plugin.filesLooked();
        assertThat(group(plugin, "a")).containsExactlyInAnyOrderElementsOf(a);
        assertThat(group(plugin, "other-7")).hasSize(10);
        assertThat(plugin.filesLooked() - before).as("files looked at by listings of an unchanged directory").isZero();

        String edited = group(plugin, "other-3").get(0);
        Files.writeString(dir.resolve(edited), retag(edited, "other-3", "a"));
        assertThat(group(plugin, "a")).hasSize(4).contains(edited);
        assertThat(plugin.filesLooked() - before).as("after one file was edited").isEqualTo(1);
    }

    @Test
    void aFileDeletedByHandIsGoneFromTheNextListing() throws IOException {
        List<String> a = provision("a", 5);
        provision("b", 5);
        assertThat(group(plugin, "a")).hasSize(5);

        Files.delete(dir.resolve(a.get(2)));

        assertThat(group(plugin, "a")).hasSize(4).doesNotContain(a.get(2));
        assertThat(plugin.indexedFiles()).isEqualTo(9);
    }

    @Test
    void aFileAddedByHandIsInTheNextListing() throws IOException {
        provision("a", 2);
        assertThat(group(plugin, "a")).hasSize(2);

        Files.writeString(dir.resolve("by-hand"), "{\"Tags\":{\"infrakit.group\":\"a\"}}");

        assertThat(group(plugin, "a")).hasSize(3).contains("by-hand");
    }

    @Test
    void tagsEditedByHandMoveTheInstanceBetweenGroupsAtOnce() throws IOException {
        String id = provision("a", 1).get(0);
        provision("b", 3);
        assertThat(group(plugin, "a")).containsExactly(id);
        assertThat(group(plugin, "b")).hasSize(3);

        Files.writeString(dir.resolve(id), retag(id, "a", "b")); // in place: the directory itself does not change

        assertThat(group(plugin, "b")).hasSize(4).contains(id);
        assertThat(group(plugin, "a")).isEmpty();
    }

    @Test
    void aFileRenamedByHandIsListedUnderItsNewName() throws IOException {
        String id = provision("a", 1).get(0);
        assertThat(group(plugin, "a")).containsExactly(id);

        Files.move(dir.resolve(id), dir.resolve("instance-renamed"));

        assertThat(group(plugin, "a")).containsExactly("instance-renamed");
    }

    @Test
    void twoPluginsOnOneDirectorySeeEachOthersChanges() {
        try (FileInstancePlugin other = new FileInstancePlugin(dir)) {
            String mine = provision("a", 1).get(0);
            assertThat(group(other, "a")).containsExactly(mine);

            String theirs = other.provision(spec("a"));
            assertThat(group(plugin, "a")).containsExactlyInAnyOrder(mine, theirs);

            other.label(mine, Map.of("infrakit.group", "b"));
            assertThat(group(plugin, "a")).containsExactly(theirs);
            assertThat(group(plugin, "b")).containsExactly(mine);

            other.destroy(theirs, "terminate");
            assertThat(group(plugin, "a")).isEmpty();
            plugin.destroy(mine, "terminate");
            assertThat(other.describeInstances(Map.of(), false)).isEmpty();
        }
    }

    @Test
    void moreChangesThanTheKernelKeepsAreStillAllSeen() throws IOException {
        provision("a", 2);
        assertThat(group(plugin, "a")).hasSize(2);

        // Each write is several events; 6,000 of them overflow the kernel's queue (16,384 events by default).
        for (int i = 0; i < 6_000; i++) {
            Files.writeString(dir.resolve("hand-" + i), "{\"Tags\":{\"infrakit.group\":\"" + (i % 2 == 0 ? "a" : "b")
                    + "\"}}");
        }

        assertThat(group(plugin, "a")).hasSize(3_002);
        assertThat(group(plugin, "b")).hasSize(3_000);
    }

    @Test
    void theDirectoryRemovedAndMadeAgainIsReadAgain() throws IOException {
        Path instances = Files.createDirectory(dir.resolve("instances"));
        try (FileInstancePlugin p = new FileInstancePlugin(instances)) {
            String id = p.provision(spec("a"));
            assertThat(group(p, "a")).containsExactly(id);

            Files.delete(instances.resolve(id));
            Files.delete(instances);
            assertThatThrownBy(() -> group(p, "a")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("does not exist");

            Files.createDirectory(instances);
            Files.writeString(instances.resolve("by-hand"), "{\"Tags\":{\"infrakit.group\":\"a\"}}");
            assertThat(group(p, "a")).containsExactly("by-hand");
            Files.writeString(instances.resolve("by-hand"), "{\"Tags\":{\"infrakit.group\":\"b\"}}");
            assertThat(group(p, "a")).isEmpty();
        }
    }

    @Test
    void aFilterOnAnotherTagIsAnsweredToo() throws IOException {
        String id = provision("a", 1).get(0);
        provision("a", 2);
        plugin.label(id, Map.of("role", "leader"));

        assertThat(ids(plugin.describeInstances(Map.of("role", "leader", "infrakit.group", "a"), false)))
                .containsExactly(id);
        Files.writeString(dir.resolve(id), Files.readString(dir.resolve(id)).replace("leader", "follower"));
        assertThat(plugin.describeInstances(Map.of("role", "leader"), false)).isEmpty();
        assertThat(ids(plugin.describeInstances(Map.of("role", "follower"), false))).containsExactly(id);
    }

    @Test
    void propertiesAreReadFromTheFileAsItIsNow() throws IOException {
        String id = plugin.provision(new InstanceSpec(io.infrakit.plugins.json.Json.parse("{\"Note\":\"first\"}"),
                Map.of("infrakit.group", "a"), "", null, null));
        assertThat(plugin.describeInstances(Map.of("infrakit.group", "a"), true).get(0).properties()
                .path("Properties").path("Note").asText()).isEqualTo("first");

        Files.writeString(dir.resolve(id), Files.readString(dir.resolve(id)).replace("first", "second"));

        assertThat(plugin.describeInstances(Map.of("infrakit.group", "a"), true).get(0).properties()
                .path("Properties").path("Note").asText()).isEqualTo("second");
    }

    @Test
    void aClosedPluginRefusesToList() {
        plugin.close();

        assertThatThrownBy(() -> group(plugin, "a")).isInstanceOf(PluginException.class).hasMessageContaining("closed");
    }
}
