package io.infrakit.store;

/** A transaction guard on one key. */
public record Compare(String key, Target target, long expected) {

    public enum Target {
        /** The key's create revision equals {@code expected} (0: the key does not exist). */
        CREATE_REVISION,
        /** The key's mod revision equals {@code expected} (0: the key does not exist). */
        MOD_REVISION
    }

    public static Compare createRevision(String key, long revision) {
        return new Compare(key, Target.CREATE_REVISION, revision);
    }

    public static Compare modRevision(String key, long revision) {
        return new Compare(key, Target.MOD_REVISION, revision);
    }

    /** The key does not exist. */
    public static Compare absent(String key) {
        return new Compare(key, Target.CREATE_REVISION, 0);
    }
}
