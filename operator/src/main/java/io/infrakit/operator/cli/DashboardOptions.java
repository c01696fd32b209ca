package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.dashboard.Dashboard;
import io.infrakit.operator.http.HttpAddress;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The dashboard {@code infrakit up} serves on {@code --http}: whether it does, and who may act on it. In dev mode,
 * without a token file, it makes one in InfraKit's home and prints a link that carries the token.
 */
final class DashboardOptions {

    private static final Logger log = LoggerFactory.getLogger(DashboardOptions.class);

    @Option(names = "--dashboard-token-file", paramLabel = "FILE", defaultValue = "${env:INFRAKIT_DASHBOARD_TOKEN_FILE}",
            description = "Allow actions on the dashboard (/dashboard on --http) to whoever holds a token of this file:"
                    + " NAME:TOKEN or TOKEN per line (env INFRAKIT_DASHBOARD_TOKEN_FILE; dev mode makes one in "
                    + "InfraKit's home; without either the dashboard only shows).")
    Path tokenFile;

    @Option(names = "--dashboard-read-only", description = "Serve the dashboard without any action, whatever the "
            + "tokens.")
    boolean readOnly;

    @Option(names = "--no-dashboard", description = "Do not serve the dashboard on --http.")
    boolean off;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** A token file that cannot be used is a usage error (before anything starts). */
    void check() {
        if (tokenFile != null && !off) {
            try {
                Dashboard.checkTokenFile(tokenFile);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(command.commandLine(), e.getMessage());
            }
        }
    }

    /** The dev-mode token (made once, kept in InfraKit's home); null outside dev mode or with a token file. */
    String devToken(boolean devMode) throws IOException {
        return devMode && tokenFile == null ? Dashboard.devToken(Home.dir()) : null;
    }

    /** The dashboard to serve; null when there is no HTTP endpoint or it is turned off. */
    Dashboard build(boolean http, String devToken, Store store, Keys keys, GroupWrites writes, PluginLookup plugins,
                    String self) {
        if (!http || off) {
            return null;
        }
        return Dashboard.builder(store, keys, writes, plugins).self(self).readOnly(readOnly)
                .tokenFile(devToken != null ? Home.dir().resolve(Dashboard.DEV_TOKEN_FILE) : tokenFile)
                .build();
    }

    /** Says where the dashboard is: with its dev-mode token on stdout, else in the log with who may act. */
    void announce(HttpAddress address, String devToken) {
        String url = "http://" + address + Dashboard.PATH + "/";
        if (devToken != null) {
            System.out.println("  dashboard: " + url + "#token=" + devToken);
        } else {
            log.info("dashboard at {} ({})", url, readOnly ? "read-only" : tokenFile != null
                    ? "actions with a token of " + tokenFile : "no actions: no --dashboard-token-file");
        }
    }
}
