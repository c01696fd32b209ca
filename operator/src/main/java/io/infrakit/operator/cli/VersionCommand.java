package io.infrakit.operator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code infrakit version}: prints InfraKit's version block. */
@Command(name = "version", description = "Print the version.")
public final class VersionCommand implements Runnable {

    @Override
    public void run() {
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
