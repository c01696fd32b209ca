package io.infrakit.operator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;

/** {@code infrakit version}: prints InfraKit's version block. */
@Command(name = "version", description = "Print the version.")
public final class VersionCommand implements Runnable {

    @Mixin
    OutputOptions output;

    @Override
    public void run() {
        if (output.json()) {
            Map<String, String> out = new LinkedHashMap<>();
            out.put("Version", version());
            out.put("Java", System.getProperty("java.version"));
            System.out.println(OutputOptions.toJson(out));
            return;
        }
        System.out.println("Version    : " + version());
        System.out.println("Java       : " + System.getProperty("java.version"));
    }

    public static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("/infrakit-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Lets {@code infrakit --version} print the same. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"infrakit " + version()};
        }
    }
}
