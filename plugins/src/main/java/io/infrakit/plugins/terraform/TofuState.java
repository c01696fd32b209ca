package io.infrakit.plugins.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.JsonFormatException;
import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resources of the root module in a local state file ({@code terraform.tfstate}, format version 4, written
 * alike by OpenTofu and Terraform since 0.12), by address ({@code type.name}). Reading the file needs no process
 * and does not depend on the configuration being valid, so listing works while a broken file waits to be fixed.
 *
 * @param serial    the state's serial, raised by every write (0 when there is no state yet)
 * @param resources managed resources by address
 */
record TofuState(long serial, Map<String, Resource> resources) {

    static final TofuState EMPTY = new TofuState(0, Map.of());

    /**
     * The largest state read: tens of thousands of resources. A larger file is refused with an error rather than
     * read whole into the operator's memory.
     */
    static final int MAX_BYTES = 256 << 20;

    /**
     * One managed resource.
     *
     * @param attributes its attributes (of its first instance that is not tainted, else its first)
     * @param tainted    every instance of it is tainted: its creation failed half-way, the next apply replaces it
     */
    record Resource(String type, String name, JsonNode attributes, boolean tainted) {

        boolean live() {
            return !tainted;
        }
    }

    TofuState {
        resources = Map.copyOf(resources);
    }

    boolean live(String address) {
        Resource r = resources.get(address);
        return r != null && r.live();
    }

    boolean has(String address) {
        return resources.containsKey(address);
    }

    /**
     * @throws IOException when the file cannot be read, or is not a state file of format 4 (also while another
     *                     process is half-way through writing it: the caller reads again)
     */
    static TofuState read(Path file) throws IOException {
        byte[] content;
        try {
            content = PrivateFiles.readBounded(file, MAX_BYTES);
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
        if (content.length == 0) {
            throw new IOException(file + " is empty");
        }
        try {
            return parse(Json.parse(content));
        } catch (JsonFormatException e) {
            throw new IOException(file + " is not a state file: " + e.getMessage(), e);
        }
    }

    static TofuState parse(JsonNode state) throws IOException {
        if (state.path("version").asInt() != 4) {
            throw new IOException("state format version " + state.path("version") + " is not supported (4 is)");
        }
        Map<String, Resource> resources = new LinkedHashMap<>();
        for (JsonNode r : state.path("resources")) {
            if (!"managed".equals(r.path("mode").asText()) || r.hasNonNull("module")) {
                continue;
            }
            JsonNode chosen = null;
            boolean tainted = true;
            for (JsonNode instance : r.path("instances")) {
                if (instance.hasNonNull("deposed")) {
                    continue; // an old object create_before_destroy has not removed yet
                }
                boolean isTainted = "tainted".equals(instance.path("status").asText());
                if (chosen == null || (tainted && !isTainted)) {
                    chosen = instance;
                    tainted = isTainted;
                }
            }
            if (chosen != null) {
                String type = r.path("type").asText();
                String name = r.path("name").asText();
                resources.put(type + "." + name, new Resource(type, name, chosen.path("attributes"), tainted));
            }
        }
        return new TofuState(state.path("serial").asLong(), resources);
    }
}
