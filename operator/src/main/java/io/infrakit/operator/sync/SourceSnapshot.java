package io.infrakit.operator.sync;

import java.util.List;

/**
 * What a source held when it was read: where it is ({@code repository}, a URL or a directory), the ref asked for
 * and the commit it resolved to (both null for a directory), the sub-directory read, and its spec files in path
 * order.
 */
public record SourceSnapshot(String repository, String ref, String commit, String path, List<SourceFile> files) {

    public SourceSnapshot {
        files = List.copyOf(files);
    }

    /** The commit shortened for people, or "-" for a directory. */
    public String shortCommit() {
        return commit == null ? "-" : commit.substring(0, Math.min(12, commit.length()));
    }
}
