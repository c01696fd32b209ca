package io.infrakit.operator.cli;

import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.docker.DockerClients;
import io.infrakit.plugins.maas.MaasInstancePlugin;
import io.infrakit.plugins.spi.PluginException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the built-in plugins keep their state, and where plugins in other processes are found. */
public final class PluginOptions {

    @Option(names = "--file-dir", paramLabel = "DIR", defaultValue = "${env:INFRAKIT_FILE_DIR}",
            description = "Directory of the file instance plugin (env INFRAKIT_FILE_DIR, "
                    + "default <home>/instances/file).")
    Path fileDir;

    @Mixin
    PluginDirectoryOptions directory;

    @Option(names = "--process-dir", paramLabel = "DIR", defaultValue = "${env:INFRAKIT_PROCESS_DIR}",
            description = "State directory of the process instance plugin (env INFRAKIT_PROCESS_DIR, "
                    + "default <home>/instances/process).")
    Path processDir;

    @Option(names = "--docker-host", paramLabel = "URL", defaultValue = "${env:DOCKER_HOST}",
            description = "Docker engine of the docker instance plugin (env DOCKER_HOST, default "
                    + DockerClients.DEFAULT_HOST + ").")
    String dockerHost;

    @Option(names = "--qemu-dir", paramLabel = "DIR", defaultValue = "${env:INFRAKIT_QEMU_DIR}",
            description = "State directory of the qemu instance plugin: VMs and pets' disks (env INFRAKIT_QEMU_DIR, "
                    + "default <home>/instances/qemu).")
    Path qemuDir;

    @Option(names = "--maas-url", paramLabel = "URL", defaultValue = "${env:INFRAKIT_MAAS_URL}",
            description = "MAAS server of the maas instance plugin, e.g. http://maas:5240/MAAS (env INFRAKIT_MAAS_URL).")
    String maasUrl;

    @Option(names = "--maas-api-key-file", paramLabel = "FILE", defaultValue = "${env:INFRAKIT_MAAS_API_KEY_FILE}",
            description = "File holding the MAAS API key, consumer:token:secret (env INFRAKIT_MAAS_API_KEY_FILE).")
    Path maasApiKeyFile;

    @Option(names = "--maas-api-version", paramLabel = "VERSION", defaultValue = "2.0",
            description = "MAAS API version: 2.0 (MAAS 2 and later, machines; default) or 1.0 (MAAS 1.x, nodes).")
    String maasApiVersion;

    public String dockerHost() {
        return dockerHost != null && !dockerHost.isBlank() ? dockerHost : DockerClients.DEFAULT_HOST;
    }

    public Path processDir() {
        return processDir != null ? processDir : Home.dir().resolve("instances").resolve("process");
    }

    public Path qemuDir() {
        return qemuDir != null ? qemuDir : Home.dir().resolve("instances").resolve("qemu");
    }

    public Path fileDir() {
        return fileDir != null ? fileDir : Home.dir().resolve("instances").resolve("file");
    }

    /** The plugin directory, as InfraKit resolves it unless {@code --plugins-dir} says otherwise. */
    public LocalPluginDirectory pluginDirectory() {
        return directory.pluginDirectory();
    }

    /**
     * The plugin directory, refused (with the reason on stderr) when others may write it.
     *
     * @return empty when refused
     */
    public Optional<LocalPluginDirectory> trustedPluginDirectory() {
        LocalPluginDirectory dir = pluginDirectory();
        try {
            dir.checkTrusted();
            return Optional.of(dir);
        } catch (PluginException e) {
            System.err.println("error: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The built-in plugins, made on first use; close it to stop their watchers and clients. */
    public PluginRegistry builtins() {
        return PluginRegistry.builtins(fileDir(), processDir(), dockerHost()).withQemu(qemuDir())
                .withMaas(maasSettings());
    }

    public MaasInstancePlugin.MaasSettings maasSettings() {
        return new MaasInstancePlugin.MaasSettings(maasUrl, maasApiKeyFile, maasApiVersion);
    }

    /**
     * The plugins this process can use: the built-ins by name, then any plugin socket in the plugin directory
     * (looked for again on every lookup, so a plugin started later is found).
     */
    public PluginLookup registry() {
        return lookup(builtins());
    }

    /** {@code builtins}, then the plugin directory's sockets. */
    public PluginLookup lookup(PluginRegistry builtins) {
        return builtins.orElse(new RemotePluginLookup(pluginDirectory()));
    }
}
