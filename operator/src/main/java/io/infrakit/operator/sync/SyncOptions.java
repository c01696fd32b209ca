package io.infrakit.operator.sync;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How a sync runs.
 *
 * @param name          the source's name: owner of the keys it writes, and its record at {@code <prefix>/sync/<name>}
 * @param prune         delete owned keys whose file is gone
 * @param revertDrift   rewrite keys changed in etcd since the last sync even when the source did not change them
 *                      (a one-shot sync does; a watch only with {@code --self-heal})
 * @param allowEmpty    let a source with no specs prune everything it owns
 * @param maxTxnOps     operations per etcd transaction (etcd's --max-txn-ops)
 * @param maxTxnBytes   bytes of values per transaction (below etcd's --max-request-bytes)
 * @param recordRefresh a sync that changes nothing rewrites the record only when it is older than this (zero:
 *                      always), so a watch is quiet in etcd when nothing happens
 */
public record SyncOptions(String name, boolean prune, boolean revertDrift, boolean allowEmpty, int maxTxnOps,
                          long maxTxnBytes, Duration recordRefresh) {

    /** A source name is one etcd key segment, like a group ID. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,252}");

    public SyncOptions {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("source name '" + name + "' cannot be used as a key: use letters, "
                    + "digits and . _ : @ - (no slash or space), starting with a letter or digit");
        }
        if (maxTxnOps < 3 || maxTxnBytes < 1) {
            throw new IllegalArgumentException("a transaction needs at least 3 operations and 1 byte");
        }
        recordRefresh = recordRefresh == null ? Duration.ZERO : recordRefresh;
    }

    /** One-shot defaults: no prune, drift reverted, one transaction up to etcd's default limits. */
    public static SyncOptions of(String name) {
        return new SyncOptions(name, false, true, false, SyncApplier.DEFAULT_MAX_OPS, SyncApplier.DEFAULT_MAX_BYTES,
                Duration.ZERO);
    }

    public SyncOptions withPrune(boolean on) {
        return new SyncOptions(name, on, revertDrift, allowEmpty, maxTxnOps, maxTxnBytes, recordRefresh);
    }

    public SyncOptions withRevertDrift(boolean on) {
        return new SyncOptions(name, prune, on, allowEmpty, maxTxnOps, maxTxnBytes, recordRefresh);
    }

    public SyncOptions withAllowEmpty(boolean on) {
        return new SyncOptions(name, prune, revertDrift, on, maxTxnOps, maxTxnBytes, recordRefresh);
    }

    public SyncOptions withMaxTxnOps(int ops) {
        return new SyncOptions(name, prune, revertDrift, allowEmpty, ops, maxTxnBytes, recordRefresh);
    }

    public SyncOptions withRecordRefresh(Duration refresh) {
        return new SyncOptions(name, prune, revertDrift, allowEmpty, maxTxnOps, maxTxnBytes, refresh);
    }

    /**
     * A name from a location: the last path segment without {@code .git}, plus the sub-directory, with anything
     * not allowed in a key turned into '-'. {@code https://host/org/infra.git} with path {@code prod} is
     * {@code infra-prod}.
     */
    public static String defaultName(String location, String path) {
        String s = location.strip().replace('\\', '/');
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        s = s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf(':')) + 1);
        if (s.endsWith(".git")) {
            s = s.substring(0, s.length() - 4);
        }
        String sub = TreePaths.cleanSubPath(path);
        if (sub != null && !sub.isEmpty()) {
            s = s + "-" + sub;
        }
        s = s.replaceAll("[^A-Za-z0-9._:@-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (s.length() > 253) {
            s = s.substring(0, 253);
        }
        return s.isEmpty() ? "default" : s;
    }
}
