package io.infrakit.operator.sync;

/**
 * One reason a sync cannot go ahead: where (a file of the source, with a line when known, or null for the source
 * as a whole) and what.
 */
public record SyncProblem(String path, int line, String message) {

    public static SyncProblem of(String message) {
        return new SyncProblem(null, 0, message);
    }

    public static SyncProblem at(String path, int line, String message) {
        return new SyncProblem(path, line, message);
    }

    @Override
    public String toString() {
        if (path == null) {
            return message;
        }
        return line > 0 ? path + ":" + line + ": " + message : path + ": " + message;
    }
}
