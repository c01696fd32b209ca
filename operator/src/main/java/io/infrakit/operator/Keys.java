package io.infrakit.operator;

/**
 * The etcd key layout under one prefix (default {@code /infrakit}):
 * {@code groups/<ID>} specs, {@code status/<ID>} status, {@code free/<ID>} groups released from management,
 * {@code pause/<ID>} paused rolling updates, {@code history/<ID>} the last specs (for rollback), {@code leader/}
 * election keys, {@code events/<ID>/<seq>} the newest events of each group and {@code event-seq/<ID>} the last
 * sequence number given, {@code policy} the spec admission policy (written by an administrator only).
 */
public record Keys(String prefix) {

    public static final String DEFAULT_PREFIX = "/infrakit";

    public Keys {
        if (prefix == null || prefix.isBlank()) {
            prefix = DEFAULT_PREFIX;
        }
        while (prefix.length() > 1 && prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
    }

    public String groups() {
        return prefix + "/groups/";
    }

    public String group(String id) {
        return groups() + id;
    }

    public String statuses() {
        return prefix + "/status/";
    }

    public String status(String id) {
        return statuses() + id;
    }

    public String freed() {
        return prefix + "/free/";
    }

    public String free(String id) {
        return freed() + id;
    }

    public String paused() {
        return prefix + "/pause/";
    }

    public String pause(String id) {
        return paused() + id;
    }

    public String histories() {
        return prefix + "/history/";
    }

    public String history(String id) {
        return histories() + id;
    }

    public String events() {
        return prefix + "/events/";
    }

    /** The directory of one group's events. */
    public String events(String id) {
        return events() + id + "/";
    }

    /** One event; the sequence number is zero-padded so that key order is sequence order. */
    public String event(String id, long seq) {
        return events(id) + String.format("%012d", seq);
    }

    public String eventCounters() {
        return prefix + "/event-seq/";
    }

    public String eventCounter(String id) {
        return eventCounters() + id;
    }

    public String leader() {
        return prefix + "/leader/";
    }

    /** The spec admission policy: one key, which only an administrator's etcd role may write. */
    public String policy() {
        return prefix + "/policy";
    }

    /**
     * Why a key under {@code dir} names no group (when {@link #idUnder} says null): the operator ignores it, and
     * says so once in its log and in {@code group ls}.
     */
    public static String whyIgnored(String dir, String key) {
        return key.length() == dir.length() ? "the group ID is empty"
                : "'" + key.substring(dir.length()) + "' has a slash, and a group ID is one key segment";
    }

    /** The group ID a key under {@code dir} names, or null when the key is not directly under it. */
    public static String idUnder(String dir, String key) {
        if (!key.startsWith(dir) || key.length() == dir.length()) {
            return null;
        }
        String id = key.substring(dir.length());
        return id.indexOf('/') >= 0 ? null : id;
    }
}
