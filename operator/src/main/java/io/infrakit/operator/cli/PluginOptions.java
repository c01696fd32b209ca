package io.infrakit.operator.cli;

import io.infrakit.plugins.PluginRegistry;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the built-in plugins keep their state. */
public final class PluginOptions {

    @Option(names = "--file-dir", paramLabel = "DIR", defaultValue = "${env:INFRAKIT_FILE_DIR}",
            description = "Directory of the file instance plugin (env INFRAKIT_FILE_DIR, "
                    + "default <home>/instances/file).")
    Path fileDir;

    public Path fileDir() {
        return fileDir != null ? fileDir : Home.dir().resolve("instances").resolve("file");
    }

    /** The plugins this process can use. */
    public PluginRegistry registry() {
        return PluginRegistry.builtins(fileDir());
    }
}
