package io.infrakit.store;

/** A write inside a transaction. */
public record Op(Kind kind, String key, String value, long leaseId) {

    public enum Kind { PUT, DELETE, DELETE_PREFIX }

    public static Op put(String key, String value) {
        return new Op(Kind.PUT, key, value, 0);
    }

    /** A put attached to a lease: the key disappears with the lease. */
    public static Op put(String key, String value, long leaseId) {
        return new Op(Kind.PUT, key, value, leaseId);
    }

    public static Op delete(String key) {
        return new Op(Kind.DELETE, key, null, 0);
    }

    public static Op deletePrefix(String prefix) {
        return new Op(Kind.DELETE_PREFIX, prefix, null, 0);
    }
}
