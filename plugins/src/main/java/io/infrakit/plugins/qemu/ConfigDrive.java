package io.infrakit.plugins.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The files of a VM's config drive, in cloud-init's NoCloud layout so that a cloud image's cloud-init runs the
 * flavor's init script as well as the lab guest does: {@code user-data} is the init script (a shell script unless
 * it says otherwise with {@code #!} or {@code #cloud-config}), {@code meta-data} names the instance and its host.
 * QEMU shows the directory to the guest as a read-only FAT disk labelled {@code cidata}.
 */
final class ConfigDrive {

    private ConfigDrive() {
    }

    static void write(Path dir, String id, String logicalId, String init) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("user-data"), userData(init), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("meta-data"), "instance-id: " + id + "\nlocal-hostname: "
                + hostname(logicalId, id) + "\n", StandardCharsets.UTF_8);
    }

    static String userData(String init) {
        String script = init == null ? "" : init;
        if (script.startsWith("#!") || script.startsWith("#cloud-config")) {
            return script.endsWith("\n") ? script : script + "\n";
        }
        return "#!/bin/sh\n" + script + (script.isEmpty() || script.endsWith("\n") ? "" : "\n");
    }

    /** A host name from the logical ID (a pet's name, or an address: dots become dashes), else the instance ID. */
    static String hostname(String logicalId, String id) {
        String name = logicalId == null || logicalId.isBlank() ? id : logicalId;
        String label = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (label.length() > 63) {
            label = label.substring(0, 63).replaceAll("-+$", "");
        }
        return label.isEmpty() ? id : label;
    }
}
