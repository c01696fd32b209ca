package io.infrakit.plugins.state;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where InfraKit keeps this user's files: {@code $INFRAKIT_HOME}, else {@code $HOME/.infrakit}. The user's home is
 * {@code $HOME} as the shell has it, so a user or a test that sets {@code HOME} gets its files there; the JVM's
 * {@code user.home} (which comes from the password database, not from {@code HOME}) only when it is unset.
 */
public final class InfraKitHome {

    /** The variable naming InfraKit's home directory. */
    public static final String ENV = "INFRAKIT_HOME";

    private InfraKitHome() {
    }

    /** {@code $HOME}, else the JVM's {@code user.home}. */
    public static Path userHome(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"));
    }

    /** {@code $INFRAKIT_HOME}, else {@code <user home>/.infrakit}. */
    public static Path dir(Map<String, String> env) {
        String dir = env.get(ENV);
        return dir != null && !dir.isBlank() ? Path.of(dir) : userHome(env).resolve(".infrakit");
    }

    /** InfraKit's home in this process's environment. */
    public static Path dir() {
        return dir(System.getenv());
    }
}
