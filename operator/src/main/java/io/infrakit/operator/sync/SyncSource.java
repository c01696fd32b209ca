package io.infrakit.operator.sync;

/** Where specs come from: a directory or a git repository. Read again on every sync. */
public interface SyncSource extends AutoCloseable {

    /**
     * Reads every spec file.
     *
     * @throws SyncException when the source cannot be reached or read, or holds something it must not (a symlink
     *                       out of the tree, a file over the size limit)
     */
    SourceSnapshot read() throws SyncException;

    /** The repository URL or directory, for messages and the {@code infrakit.sync/repository} annotation. */
    String location();

    @Override
    default void close() {
    }
}
