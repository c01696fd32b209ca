package io.infrakit.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmUpTest {

    @TempDir
    Path dir;

    @Test
    void itsSpecIsOneTheOperatorActsOn() throws Exception {
        // A spec the validator refused would warm up only the error path, and silently.
        GroupDefinition def = SpecValidator.parse("warm-up", WarmUp.SPEC, 1);
        assertNotNull(def);
        assertEquals("warm-up", def.id());
    }

    @Test
    void leavesTheFilePluginsInstancesAsTheyWere() throws Exception {
        Path files = dir.resolve("file");
        try (PluginRegistry builtins = PluginRegistry.builtins(files)) {
            builtins.instance(PluginName.parse(PluginRegistry.FILE))
                    .provision(new InstanceSpec(null, Map.of("infrakit.group", "web"), "echo hi", null, null));
            Map<Path, String> before = contents(files);

            WarmUp.run(builtins);

            assertEquals(before, contents(files));
            assertEquals(1, builtins.instance(PluginName.parse(PluginRegistry.FILE))
                    .describeInstances(Map.of("infrakit.group", "web"), false).size());
        }
    }

    private static Map<Path, String> contents(Path dir) throws Exception {
        Map<Path, String> all = new HashMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                all.put(dir.relativize(p), Files.readString(p));
            }
        }
        return all;
    }
}
