package io.infrakit.operator.cli;

import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.discovery.RemotePluginLookup;
import io.infrakit.plugins.docker.DockerClients;
import io.infrakit.plugins.maas.MaasInstancePlugin;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.terraform.TerraformInstancePlugin;
import io.infrakit.plugins.vagrant.VagrantSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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

    @Option(names = "--vagrant-status-interval", paramLabel = "DURATION", defaultValue = "30s",
            converter = StatusIntervalConverter.class,
            description = "How often the vagrant plugin asks whether each machine is still up: a machine removed "
                    + "behind its back is replaced within this time (default ${DEFAULT-VALUE}, at least 1s).")
    Duration vagrantStatusInterval;

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
                .withMaas(maasSettings()).withTerraform(terraformDir(), terraformBinary())
                .withVagrant(vagrantSettings());
    }

    public MaasInstancePlugin.MaasSettings maasSettings() {
        return new MaasInstancePlugin.MaasSettings(maasUrl, maasApiKeyFile, maasApiVersion);
    }

    public Path terraformDir() {
        return terraformDir != null ? terraformDir : Home.dir().resolve("instances").resolve("terraform");
    }

    /** {@code --terraform-bin}, else {@code tofu} when it is on PATH, else {@code terraform}. */
    public String terraformBinary() {
        return terraformBin != null ? terraformBin : TerraformInstancePlugin.defaultBinary();
    }

    public VagrantSettings vagrantSettings() {
        VagrantSettings s = VagrantSettings.defaults(vagrantDir != null ? vagrantDir
                : Home.dir().resolve("instances").resolve("vagrant")).withBinary(vagrantBin)
                .withEnvironment(Map.of("DOCKER_HOST", dockerHost())) // for Vagrant's docker provider
                .withStatusInterval(vagrantStatusInterval);
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

    /** At least a second: each check may start Vagrant's Ruby, seconds of CPU. */
    static final class StatusIntervalConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = new DurationConverter().convert(value);
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new TypeConversionException("'" + value + "' is less than 1s");
            }
            return d;
        }
    }
}
