package io.infrakit.operator.sync;

/**
 * A spec file as read from a source. {@code path} is what the user sees and what the {@code infrakit.sync/path}
 * annotation records: relative to the repository root for git, to the directory for a directory source.
 */
public record SourceFile(String path, byte[] content) {
}
