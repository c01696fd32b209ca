package io.infrakit.operator.cli;

import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.docker.DockerClients;
import io.infrakit.plugins.terraform.TerraformInstancePlugin;
import io.infrakit.plugins.vagrant.VagrantSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the built-in plugins keep their state, and where plugins in other processes are found. */
public final class PluginOptions {

    @Option(names = "--file-dir", paramLabel = "DIR", defaultValue = "${env:INFRAKIT_FILE_DIR}",
            description = "Directory of the file instance plugin (env INFRAKIT_FILE_DIR, "
                    + "default <home>/instances/file).")
    Path fileDir;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Directory of plugin sockets (default: env INFRAKIT_PLUGINS_DIR, else "
                    + "$INFRAKIT_HOME/plugins, else ~/.infrakit/plugins).")
    Path pluginsDir;

    @Option(names = "--process-dir", paramLabel = "DIR", defaultValue = "${env:INFRAKIT_PROCESS_DIR}",
            description = "State directory of the process instance plugin (env INFRAKIT_PROCESS_DIR, "
                    + "default <home>/instances/process).")
    Path processDir;

    @Option(names = "--docker-host", paramLabel = "URL", defaultValue = "${env:DOCKER_HOST}",
            description = "Docker engine of the docker instance plugin (env DOCKER_HOST, default "
                    + DockerClients.DEFAULT_HOST + ").")
    String dockerHost;

    @Option(names = "--terraform-dir", paramLabel = "DIR", defaultValue = "${env:INFRAKIT_TERRAFORM_DIR}",
            description = "Working directory of the terraform instance plugin: instance files, state, your own .tf "
                    + "files (env INFRAKIT_TERRAFORM_DIR, default <home>/instances/terraform).")
    Path terraformDir;

    @Option(names = TerraformInstancePlugin.BINARY_OPTION, paramLabel = "BINARY",
            description = "OpenTofu or Terraform binary of the terraform plugin (default: tofu if on PATH, else "
                    + "terraform).")
    String terraformBin;

    @Option(names = "--vagrant-dir", paramLabel = "DIR", defaultValue = "${env:INFRAKIT_VAGRANT_DIR}",
            description = "Machine directories of the vagrant instance plugin (env INFRAKIT_VAGRANT_DIR, default "
                    + "<home>/instances/vagrant).")
    Path vagrantDir;

    @Option(names = "--vagrant-bin", paramLabel = "BINARY", defaultValue = "vagrant",
            description = "Vagrant binary of the vagrant plugin (default ${DEFAULT-VALUE}).")
    String vagrantBin;

    @Option(names = "--vagrant-template", paramLabel = "FILE",
            description = "Vagrantfile template of the vagrant plugin, in InfraKit's form ({{.Properties.Box}}, "
                    + "{{.NetworkOptions}}, {{.ID}}; default: built in).")
    Path vagrantTemplate;

    public String dockerHost() {
        return dockerHost != null && !dockerHost.isBlank() ? dockerHost : DockerClients.DEFAULT_HOST;
    }

    public Path processDir() {
        return processDir != null ? processDir : Home.dir().resolve("instances").resolve("process");
    }

    public Path fileDir() {
        return fileDir != null ? fileDir : Home.dir().resolve("instances").resolve("file");
    }

    /** The plugin directory, as InfraKit resolves it unless {@code --plugins-dir} says otherwise. */
    public LocalPluginDirectory pluginDirectory() {
        return pluginsDir != null ? new LocalPluginDirectory(pluginsDir) : LocalPluginDirectory.fromEnvironment();
    }

    /** The built-in plugins, made on first use; close it to stop their watchers and clients. */
    public PluginRegistry builtins() {
        return PluginRegistry.builtins(fileDir(), processDir(), dockerHost())
                .withTerraform(terraformDir != null ? terraformDir : Home.dir().resolve("instances/terraform"),
                        terraformBin != null ? terraformBin : TerraformInstancePlugin.defaultBinary())
                .withVagrant(vagrantSettings());
    }

    private VagrantSettings vagrantSettings() {
        VagrantSettings s = VagrantSettings.defaults(vagrantDir != null ? vagrantDir
                : Home.dir().resolve("instances/vagrant")).withBinary(vagrantBin)
                .withEnvironment(Map.of("DOCKER_HOST", dockerHost())); // for Vagrant's docker provider
        try {
            return vagrantTemplate == null ? s : s.withTemplate(Files.readString(vagrantTemplate));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Vagrantfile template " + vagrantTemplate, e);
        }
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
