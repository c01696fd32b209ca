package io.infrakit.plugins.tool;

import java.time.Duration;

/**
 * What one run of a tool gave: its exit code, what it wrote on stdout and stderr (the last
 * {@link CommandLineTool#KEPT_OUTPUT} characters of each), and how long it took.
 */
public record ToolRun(String command, int exitCode, String stdout, String stderr, Duration took) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** The tool's own words for a failure: stderr, else the end of stdout (some tools report errors there). */
    public String failure() {
        String err = stderr.strip();
        if (!err.isEmpty()) {
            return err;
        }
        String out = stdout.strip();
        return out.length() <= 2000 ? out : "..." + out.substring(out.length() - 2000);
    }
}
