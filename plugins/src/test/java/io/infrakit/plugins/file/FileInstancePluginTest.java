package io.infrakit.plugins.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.infrakit.plugins.state.InfraKitHome;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class FileInstancePluginTest {

    @TempDir
    Path dir;

    private FileInstancePlugin plugin;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(FileInstancePlugin.class);

    @BeforeEach
    void setUp() {
        plugin = new FileInstancePlugin(dir);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(logs);
    }

    private static Map<String, String> tags(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static InstanceSpec spec(Map<String, String> tags) {
        return new InstanceSpec(Json.parse("{\"Note\":\"x\",\"n\":1.50}"), tags, "echo hi", null, null);
    }

    private String content(String id) throws IOException {
        return Files.readString(dir.resolve(id), StandardCharsets.UTF_8);
    }

    @Test
    void provisionWritesInfraKitsFileFormat() throws IOException {
        String id = plugin.provision(spec(tags("z", "1", "a", "<2>"))); // tags sorted, HTML escaped as Go does

        assertThat(id).matches("instance-[1-9][0-9]*");
        assertThat(content(id)).isEqualTo("""
                {
                "ID": "%s",
                "LogicalID": null,
                "Tags": {
                "a": "\\u003c2\\u003e",
                "z": "1"
                },
                "Spec": {
                "Properties": {
                "Note": "x",
                "n": 1.50
                },
                "Tags": {
                "a": "\\u003c2\\u003e",
                "z": "1"
                },
                "Init": "echo hi",
                "LogicalID": null,
                "Attachments": null
                }
                }""".formatted(id));
    }

    @Test
    void provisionKeepsLogicalIdAndAttachmentsAndReportsTheLogicalId() throws IOException {
        InstanceSpec spec = new InstanceSpec(null, null, "", "10.0.0.1", List.of(new Attachment("vol-1", "ebs")));

        String id = plugin.provision(spec);

        assertThat(content(id)).isEqualTo("""
                {
                "ID": "%s",
                "LogicalID": "10.0.0.1",
                "Tags": null,
                "Spec": {
                "Properties": null,
                "Tags": null,
                "Init": "",
                "LogicalID": "10.0.0.1",
                "Attachments": [
                {
                "ID": "vol-1",
                "Type": "ebs"
                }
                ]
                }
                }""".formatted(id));
        assertThat(plugin.describeInstances(Map.of(), false))
                .containsExactly(new InstanceDescription(id, "10.0.0.1", null, null));
    }

    @Test
    void provisionedInstancesAreListedAtOnceAndFilteredBySubsetOfTags() {
        String web = plugin.provision(spec(tags("infrakit.group", "g", "tier", "web")));
        String db = plugin.provision(spec(tags("infrakit.group", "g", "tier", "db")));
        plugin.provision(spec(tags("infrakit.group", "other")));

        assertThat(ids(plugin.describeInstances(Map.of("infrakit.group", "g"), false))).containsExactlyInAnyOrder(web, db);
        assertThat(ids(plugin.describeInstances(Map.of("infrakit.group", "g", "tier", "web"), false))).containsExactly(web);
        assertThat(plugin.describeInstances(Map.of("infrakit.group", "g", "tier", "cache"), false)).isEmpty();
        assertThat(plugin.describeInstances(Map.of(), false)).hasSize(3);
        assertThat(plugin.describeInstances(null, false)).hasSize(3);
    }

    @Test
    void describeWithPropertiesReturnsTheStoredSpec() {
        String id = plugin.provision(spec(tags("a", "b")));

        InstanceDescription d = plugin.describeInstances(Map.of(), true).get(0);

        assertThat(d.id()).isEqualTo(id);
        assertThat(d.tags()).isEqualTo(Map.of("a", "b"));
        assertThat(Json.write(d.properties())).isEqualTo("{\"Properties\":{\"Note\":\"x\",\"n\":1.50},\"Tags\":{\"a\":\"b\"},"
                + "\"Init\":\"echo hi\",\"LogicalID\":null,\"Attachments\":null}");
        assertThat(plugin.describeInstances(Map.of(), false).get(0).properties()).isNull();
    }

    @Test
    void labelMergesIntoTopLevelTagsOnly() throws IOException {
        String id = plugin.provision(spec(tags("infrakit.config_sha", "bootstrap", "keep", "me")));

        plugin.label(id, Map.of("infrakit.config_sha", "abc", "infrakit.group", "g"));

        assertThat(plugin.describeInstances(Map.of("infrakit.group", "g"), false)).singleElement()
                .satisfies(d -> assertThat(d.tags()).isEqualTo(
                        Map.of("infrakit.config_sha", "abc", "infrakit.group", "g", "keep", "me")));
        // As InfraKit: the spec keeps the tags it was provisioned with.
        assertThat(content(id)).contains("\"Spec\": {\n\"Properties\": {\n\"Note\": \"x\",\n\"n\": 1.50\n},\n"
                + "\"Tags\": {\n\"infrakit.config_sha\": \"bootstrap\",\n\"keep\": \"me\"\n},");
    }

    @Test
    void destroyDeletesTheFileAndUnknownInstancesAreNotFound() {
        String id = plugin.provision(spec(tags()));

        plugin.destroy(id, "terminate");

        assertThat(dir.resolve(id)).doesNotExist();
        assertThat(plugin.describeInstances(Map.of(), false)).isEmpty();
        assertThatThrownBy(() -> plugin.destroy(id, "terminate")).isInstanceOf(PluginException.class)
                .hasMessage("instance not found: " + id);
        assertThatThrownBy(() -> plugin.label(id, Map.of("a", "b"))).isInstanceOf(PluginException.class)
                .hasMessage("instance not found: " + id);
    }

    @Test
    void idsThatAreNotPlainFileNamesNameNoInstance() throws IOException {
        Files.writeString(dir.getParent().resolve("outside"), "{}");

        assertThatThrownBy(() -> plugin.destroy("../outside", "terminate")).hasMessage("instance not found: ../outside");
        assertThatThrownBy(() -> plugin.label(".hidden", Map.of())).hasMessage("instance not found: .hidden");
        assertThat(dir.getParent().resolve("outside")).exists();
    }

    @Test
    void readsFilesWrittenByInfraKitOrByHandAndTheFileNameIsTheId() throws IOException {
        // Keys in other cases and unknown keys are fine for Go's decoder; so they are here.
        Files.writeString(dir.resolve("instance-42"), """
                {"id": "something-else", "logicalid": "pet-1", "tags": {"infrakit.group": "g"},
                 "spec": {"init": "x", "attachments": null}, "extra": [1, 2]}""");

        assertThat(plugin.describeInstances(Map.of("infrakit.group", "g"), false))
                .containsExactly(new InstanceDescription("instance-42", "pet-1", Map.of("infrakit.group", "g"), null));
        plugin.label("instance-42", Map.of("b", "c"));
        assertThat(plugin.describeInstances(Map.of("b", "c"), false)).hasSize(1);
    }

    @Test
    void seesTagsEditedAndFilesDeletedByHand() throws IOException {
        String id = plugin.provision(spec(tags("infrakit.group", "g")));
        Files.writeString(dir.resolve(id), content(id).replace("\"infrakit.group\": \"g\"", "\"infrakit.group\": \"h\""));

        assertThat(ids(plugin.describeInstances(Map.of("infrakit.group", "h"), false))).containsExactly(id);

        Files.delete(dir.resolve(id));
        assertThat(plugin.describeInstances(Map.of(), false)).isEmpty();
    }

    @Test
    void aRecordReadBeforeIsReadAgainOnceItsFileChanges() throws IOException {
        String id = plugin.provision(spec(tags("infrakit.group", "g")));
        Path file = dir.resolve(id);
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(file, old);
        assertThat(ids(plugin.describeInstances(Map.of("infrakit.group", "g"), false))).containsExactly(id);

        // Edited in place, same size: only the modified time tells.
        Files.writeString(file, content(id).replace("\"infrakit.group\": \"g\"", "\"infrakit.group\": \"h\""));
        assertThat(ids(plugin.describeInstances(Map.of("infrakit.group", "h"), false))).containsExactly(id);
        assertThat(plugin.describeInstances(Map.of("infrakit.group", "g"), false)).isEmpty();

        // Edited twice within one tick of the file system's clock: the second edit is seen too.
        Files.writeString(file, content(id).replace("\"infrakit.group\": \"h\"", "\"infrakit.group\": \"i\""));
        assertThat(ids(plugin.describeInstances(Map.of("infrakit.group", "i"), false))).containsExactly(id);
        Files.writeString(file, content(id).replace("\"infrakit.group\": \"i\"", "\"infrakit.group\": \"j\""));
        assertThat(ids(plugin.describeInstances(Map.of("infrakit.group", "j"), false))).containsExactly(id);
    }

    @Test
    void skipsUndecodableEntriesAndWarnsOncePerFileVersion() throws IOException {
        String good = plugin.provision(spec(tags()));
        Files.writeString(dir.resolve("not-json"), "hello");
        Files.writeString(dir.resolve("array"), "[]");
        Files.writeString(dir.resolve("bad-tags"), "{\"Tags\":{\"a\":5}}");
        Files.writeString(dir.resolve(".hidden"), "whatever");
        Files.createDirectory(dir.resolve("subdir"));

        assertThat(ids(plugin.describeInstances(Map.of(), false))).containsExactly(good);
        assertThat(ids(plugin.describeInstances(Map.of(), false))).containsExactly(good);
        assertThat(warnings()).hasSize(3).anySatisfy(w -> assertThat(w).contains("bad-tags").contains("Tags.a must be a string"));

        Files.writeString(dir.resolve("array"), "[1]"); // changed, still bad: worth a new warning
        plugin.describeInstances(Map.of(), false);
        assertThat(warnings()).hasSize(4);

        Files.writeString(dir.resolve("array"), "{}"); // now decodable
        assertThat(ids(plugin.describeInstances(Map.of(), false))).containsExactlyInAnyOrder(good, "array");
    }

    @Test
    void aHugeFileIsSkippedWithoutBeingRead() throws IOException {
        String good = plugin.provision(spec(tags("infrakit.group", "g")));
        try (RandomAccessFile huge = new RandomAccessFile(dir.resolve("huge").toFile(), "rw")) {
            huge.setLength(3L << 30); // sparse: 3 GB that take no disk, more than any byte array holds
        }
        Files.write(dir.resolve("just-over"), new byte[FileInstancePlugin.MAX_RECORD_BYTES + 1]);

        assertThat(ids(plugin.describeInstances(Map.of(), false))).containsExactly(good);
        assertThat(ids(plugin.describeInstances(Map.of(), false))).containsExactly(good);
        assertThat(warnings()).hasSize(2).anySatisfy(w -> assertThat(w).contains("huge")
                .contains("3221225472 bytes").contains("not an instance record"));
        assertThatThrownBy(() -> plugin.label("huge", Map.of("a", "b"))).isInstanceOf(PluginException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void instanceFilesArePrivateEvenInAnOpenDirectory() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        String id = plugin.provision(spec(tags("infrakit.group", "g")));
        assertThat(Files.getPosixFilePermissions(dir.resolve(id))).isEqualTo(PrivateFiles.FILE);
        plugin.label(id, Map.of("a", "b"));
        assertThat(Files.getPosixFilePermissions(dir.resolve(id))).isEqualTo(PrivateFiles.FILE);

        Path created = dir.resolve("new/instances");
        new FileInstancePlugin(created);
        assertThat(Files.getPosixFilePermissions(created)).isEqualTo(PrivateFiles.DIRECTORY);
        assertThat(Files.getPosixFilePermissions(created.getParent())).isEqualTo(PrivateFiles.DIRECTORY);
    }

    @Test
    void temporaryFilesLeftByAKilledWriteAreRemoved() throws IOException {
        Path leftover = dir.resolve(".instance-123.5f3a9c.tmp");
        Files.writeString(leftover, "{\"ID\":");
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        Path writing = dir.resolve(".instance-456.77aa.tmp"); // a write under way in another process
        Files.writeString(writing, "{");
        Path notOurs = dir.resolve(".notes.tmp");
        Files.writeString(notOurs, "x");
        Files.setLastModifiedTime(notOurs, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));

        new FileInstancePlugin(dir);
        assertThat(leftover).doesNotExist();
        assertThat(writing).exists();
        assertThat(notOurs).exists();

        Files.writeString(leftover, "{");
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        plugin.describeInstances(Map.of(), false); // a long-running plugin cleans up as it lists
        assertThat(leftover).doesNotExist();
        assertThat(writing).exists();
    }

    @Test
    void validateAcceptsAnObjectOrNothing() {
        plugin.validate(Json.parse("{\"Note\":1}"));
        plugin.validate(null);
        plugin.validate(Json.parse("null"));

        assertThatThrownBy(() -> plugin.validate(Json.parse("\"x\""))).isInstanceOf(PluginException.class)
                .hasMessage("Properties must be a JSON object, got string");
    }

    @Test
    void aMissingDirectoryIsAnErrorNotAnEmptyList() throws IOException {
        Files.delete(dir);

        assertThatThrownBy(() -> plugin.describeInstances(Map.of(), false)).isInstanceOf(PluginException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void createsItsDirectory() {
        FileInstancePlugin nested = new FileInstancePlugin(dir.resolve("a/b"));

        assertThat(nested.directory()).isDirectory();
        assertThat(FileInstancePlugin.defaultDirectory())
                .isEqualTo(InfraKitHome.dir().resolve("instances").resolve("file"));
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    static List<String> ids(List<InstanceDescription> descriptions) {
        return descriptions.stream().map(InstanceDescription::id).toList();
    }

    static long hiddenFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).count();
        }
    }
}
