package io.infrakit.operator.groupsocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/** Temp dirs under /tmp, short enough for Unix socket paths (at most 107 bytes): {@code @TempDir(factory = ...)}. */
public final class ShortTempDir implements TempDirFactory {

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        return Files.createTempDirectory(Path.of("/tmp"), "gs");
    }
}
