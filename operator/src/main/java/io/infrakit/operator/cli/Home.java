package io.infrakit.operator.cli;

import java.nio.file.Path;

/** InfraKit's home directory: {@code $INFRAKIT_HOME}, else {@code ~/.infrakit}. */
public final class Home {

    private Home() {
    }

    public static Path dir() {
        String env = System.getenv("INFRAKIT_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".infrakit");
    }
}
