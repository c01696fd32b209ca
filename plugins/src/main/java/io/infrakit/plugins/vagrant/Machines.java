package io.infrakit.plugins.vagrant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The machines' directory, laid out as InfraKit's vagrant plugin did: one subdirectory per machine, named by its ID,
 * holding its {@code Vagrantfile}, {@code boot.sh} (the init script), {@code tags} (JSON, written once the machine is
 * up: a directory without it is a machine being made) and {@code ip} (the logical ID, InfraKit's name for it).
 * Vagrant keeps its own state in the machine's {@code .vagrant}. Directories are 0700 and files 0600 ({@code boot.sh}
 * 0700): the init script may hold secrets.
 */
final class Machines {

    static final String TAGS = "tags";
    static final String LOGICAL_ID = "ip";
    private static final TypeReference<Map<String, String>> TAG_MAP = new TypeReference<>() { };

    private final Path dir;

    Machines(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        try {
            PrivateFiles.createDirectories(this.dir.resolve(".infrakit"));
        } catch (IOException e) {
            throw new PluginException("cannot create the vagrant plugin's directory " + this.dir + ": " + e, e);
        }
    }

    Path path() {
        return dir;
    }

    /** A machine's directory; the ID must be a plain name (no hidden, no path). */
    Path machine(String id) {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new PluginException("not a vagrant instance ID: " + id);
        }
        return dir.resolve(id);
    }

    /** Every machine directory, sorted. */
    Set<String> ids() {
        Set<String> ids = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".")) {
                    ids.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            // An error, not "no instances": a controller would otherwise create the whole group again.
            throw new PluginException("the vagrant directory " + dir + " does not exist", e);
        } catch (IOException e) {
            throw new PluginException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** The machine's tags, or null while it is being made (or when its directory is gone). */
    Map<String, String> tags(String id) {
        try {
            return Json.mapper().readValue(PrivateFiles.readBounded(machine(id).resolve(TAGS),
                    PrivateFiles.MAX_RECORD_BYTES), TAG_MAP);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new PluginException("cannot read the tags of " + id + ": " + e.getMessage(), e);
        }
    }

    String logicalId(String id) {
        try {
            return new String(PrivateFiles.readBounded(machine(id).resolve(LOGICAL_ID),
                    PrivateFiles.MAX_RECORD_BYTES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new PluginException("cannot read the logical ID of " + id + ": " + e.getMessage(), e);
        }
    }

    /** Makes the machine's directory with its Vagrantfile, init script and logical ID; no tags yet. */
    Path prepare(String id, String vagrantfile, String init, String logicalId) {
        Path m = machine(id);
        try {
            Files.createDirectory(m, PosixFilePermissions.asFileAttribute(PrivateFiles.DIRECTORY));
            Files.setPosixFilePermissions(m, PrivateFiles.DIRECTORY); // whatever the umask
            PrivateFiles.writeAtomically(m.resolve("Vagrantfile"), vagrantfile.getBytes(StandardCharsets.UTF_8));
            Path boot = m.resolve("boot.sh");
            PrivateFiles.writeAtomically(boot, init.getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(boot, PosixFilePermissions.fromString("rwx------"));
            if (logicalId != null) {
                PrivateFiles.writeAtomically(m.resolve(LOGICAL_ID), logicalId.getBytes(StandardCharsets.UTF_8));
            }
            return m;
        } catch (IOException e) {
            throw new PluginException("cannot prepare " + m + ": " + e.getMessage(), e);
        }
    }

    /** Writes the tags whole or not at all. */
    void writeTags(String id, Map<String, String> tags) {
        Path m = machine(id);
        try {
            PrivateFiles.writeRecord(m.resolve(TAGS), Json.mapper().writeValueAsBytes(new LinkedHashMap<>(tags)));
        } catch (JsonProcessingException e) {
            throw new PluginException("cannot write the tags of " + id + ": " + e.getMessage(), e);
        }
    }

    /** Removes the machine's directory and everything in it. */
    void remove(String id) {
        Path m = machine(id);
        if (!Files.exists(m)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(m)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new PluginException("cannot remove " + m + ": " + e.getMessage(), e);
        }
    }
}
