package io.infrakit.operator.cli;

import io.infrakit.plugins.discovery.LocalPluginDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where plugins in other processes are found, and whether other users' plugins are used. Given to a command with
 * subcommands, the options are taken after the subcommand's name too.
 */
public final class PluginDirectoryOptions {

    @Option(names = "--plugins-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Directory of plugin sockets (default: env INFRAKIT_PLUGINS_DIR, else "
                    + "$INFRAKIT_HOME/plugins, else ~/.infrakit/plugins).")
    Path pluginsDir;

    @Option(names = "--allow-foreign-plugins", scope = ScopeType.INHERIT, defaultValue = "${env:INFRAKIT_ALLOW_FOREIGN_PLUGINS:-false}",
            description = "Use plugin sockets that other users own, and a plugin directory that others may write "
                    + "(env INFRAKIT_ALLOW_FOREIGN_PLUGINS). Without it both are refused: whoever can put a socket "
                    + "there receives the operator's calls, init scripts included.")
    boolean allowForeignPlugins;

    /** The plugin directory, as InfraKit resolves it unless {@code --plugins-dir} says otherwise. */
    public LocalPluginDirectory pluginDirectory() {
        return pluginsDir != null ? new LocalPluginDirectory(pluginsDir, allowForeignPlugins)
                : LocalPluginDirectory.fromEnvironment(allowForeignPlugins);
    }
}
