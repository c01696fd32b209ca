package io.infrakit.operator.cli;

import io.infrakit.plugins.state.InfraKitHome;
import java.nio.file.Path;

/** InfraKit's home directory: {@code $INFRAKIT_HOME}, else {@code $HOME/.infrakit}. */
public final class Home {

    private Home() {
    }

    public static Path dir() {
        return InfraKitHome.dir();
    }
}
