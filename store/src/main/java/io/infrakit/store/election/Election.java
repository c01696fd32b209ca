package io.infrakit.store.election;

import io.infrakit.store.Backoff;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on etcd with the campaign recipe of etcd's own concurrency package, on plain keys, leases and
 * watches. Each candidate puts {@code <prefix>/<lease id in hex>} bound to its lease (only if absent); the key with
 * the lowest create revision leads; every other candidate watches only its predecessor (the next older key) and
 * re-checks when that key goes. The leader is demoted when its key or lease disappears, or when it cannot confirm
 * its lease for TTL minus a safety margin (it steps down before etcd can let anyone else in). After an involuntary
 * demotion the candidate campaigns again with a new lease; after {@link #resign()} it does not.
 *
 * <p>All work runs on one thread per election, which also calls the listener.
 */
public final class Election implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Election.class);
    /** Retrying a failed step of the campaign: 50 ms doubling to 2 s. */
    private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(2));

    private final Store store;
    private final String keyPrefix;
    private final String value;
    private final long ttlSeconds;
    private final long marginNanos;
    private final ElectionListener listener;
    private final ElectionThread thread;
    private final CandidateKeys candidateKeys;

    // Confined to `thread`.
    private boolean wanted;
    private int generation;
    private PredecessorWait waiting;
    private ScheduledFuture<?> deadlineCheck;
    private int failures;
    private boolean awaitingKeepAlive;

    private volatile String waitingFor;
    private volatile Candidacy candidacy;
    private volatile LeaderKey leadership;
    private volatile boolean closed;

    /**
     * @param prefix     election keys live under {@code prefix + "/"}
     * @param value      what this candidate says about itself (opaque to the election; identity JSON)
     * @param ttlSeconds lease TTL: how long a crashed leader blocks the election
     */
    public Election(Store store, String prefix, String value, long ttlSeconds, ElectionListener listener) {
        this(store, prefix, value, ttlSeconds, Duration.ofMillis(Math.max(200, ttlSeconds * 1000 / 4)), listener);
    }

    /** @param safetyMargin step down this long before the lease could expire without a confirmed keep-alive */
    public Election(Store store, String prefix, String value, long ttlSeconds, Duration safetyMargin,
                    ElectionListener listener) {
        this.store = Objects.requireNonNull(store, "store");
        this.keyPrefix = prefix.endsWith("/") ? prefix : prefix + "/";
        this.value = Objects.requireNonNull(value, "value");
        if (ttlSeconds <= 0) {
            throw new IllegalArgumentException("lease TTL must be positive: " + ttlSeconds);
        }
        this.ttlSeconds = ttlSeconds;
        this.marginNanos = safetyMargin.toNanos();
        if (marginNanos >= TimeUnit.SECONDS.toNanos(ttlSeconds)) {
            throw new IllegalArgumentException("safety margin " + safetyMargin + " must be below the TTL");
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        this.thread = new ElectionThread();
        this.candidateKeys = new CandidateKeys(keyPrefix);
    }

    /** Becomes a candidate (returns at once; {@link ElectionListener#onElected} tells the outcome). Idempotent. */
    public void campaign() {
        if (closed) {
            throw new IllegalStateException("election is closed");
        }
        thread.submit(() -> {
            if (!wanted) {
                wanted = true;
                join();
            }
        });
    }

    /**
     * Stops being a candidate: the listener hears {@code onDemoted("resigned")} if this was the leader, then the key
     * is deleted so the next candidate takes over. Returns when done. {@link #campaign()} joins again, at the back.
     */
    public void resign() {
        thread.call(() -> {
            wanted = false;
            if (leadership != null) {
                log.info("resigning leadership under {}: {}", keyPrefix, candidacy.key());
                leadership = null;
                tell(() -> listener.onDemoted("resigned"));
            }
            Candidacy ended = endCandidacy();
            if (ended != null) {
                ended.resign();
            }
        }, "resigning under " + keyPrefix);
    }

    public boolean isLeader() {
        return leadership != null;
    }

    /** This candidate's key while it leads. */
    public Optional<LeaderKey> leaderKey() {
        return Optional.ofNullable(leadership);
    }

    /** The key of the candidate this one waits on (its predecessor), while it waits. */
    public Optional<String> waitingFor() {
        return Optional.ofNullable(waitingFor);
    }

    /** The guard for a leader's write. */
    public Compare fence() {
        LeaderKey key = leadership;
        if (key == null) {
            throw new IllegalStateException("not the leader of " + keyPrefix);
        }
        return key.fence();
    }

    /**
     * Until this {@link System#nanoTime()} this candidate's lease is provably alive (0 without a lease). A leader
     * must not act after it; the election itself demotes a safety margin before.
     */
    public long leaseDeadlineNanos() {
        Candidacy c = candidacy;
        return c == null ? 0 : c.deadlineNanos();
    }

    /** The leader as etcd has it now, whoever it is. */
    public Optional<Candidate> currentLeader() {
        return currentLeader(store, keyPrefix);
    }

    /** Every candidate, leader first, in create-revision order. */
    public List<Candidate> candidates() {
        return candidates(store, keyPrefix);
    }

    public static Optional<Candidate> currentLeader(Store store, String prefix) {
        return candidates(store, prefix).stream().findFirst();
    }

    public static List<Candidate> candidates(Store store, String prefix) {
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        return store.list(p).kvs().stream()
                .filter(kv -> CandidateKeys.isCandidate(p, kv.key()))
                .sorted(Comparator.comparingLong(KeyValue::createRevision))
                .map(kv -> new Candidate(kv.key(), kv.value(), kv.createRevision()))
                .toList();
    }

    /** Resigns and stops the election's thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        resign();
        closed = true;
        thread.shutdown();
    }

    // ---- the campaign, on the election thread ----

    private void join() {
        // A retry scheduled by an ended candidacy finds a newer one under way (a resign and campaign came in
        // between): one candidacy at a time, or the newer one's lease would be dropped unrevoked and its key, kept
        // alive, would stand in line before the next.
        if (!wanted || closed || candidacy != null) {
            return;
        }
        int gen = ++generation;
        try {
            candidacy = Candidacy.start(store, keyPrefix, value, ttlSeconds, new Candidacy.Listener() {
                @Override
                public void onKeepAlive() {
                    onThread(gen, () -> {
                        if (awaitingKeepAlive) {
                            awaitingKeepAlive = false;
                            check(gen);
                        }
                    }).run();
                }

                @Override
                public void onLost(String reason) {
                    onThread(gen, () -> lost(gen, reason)).run();
                }
            });
            log.info("campaigning as {} (create revision {})", candidacy.key(), candidacy.createRevision());
            check(gen);
        } catch (StoreException e) {
            log.warn("campaign under {} failed, will retry: {}", keyPrefix, e.getMessage());
            teardown();
            retryLater(this::join);
        }
    }

    /** Leader if no older key exists; otherwise wait for the next older key to go. */
    private void check(int gen) {
        if (gen != generation || closed) {
            return;
        }
        Listing listing;
        try {
            listing = store.list(keyPrefix);
        } catch (StoreException e) {
            log.warn("election under {}: cannot list candidates, will retry: {}", keyPrefix, e.getMessage());
            retryLater(() -> check(gen));
            return;
        }
        failures = 0;
        if (!candidacy.isIn(listing)) {
            lost(gen, "election key " + candidacy.key() + " is gone");
            return;
        }
        long ownRevision = candidacy.createRevision();
        Optional<KeyValue> predecessor = candidateKeys.of(listing.kvs()).stream()
                .filter(kv -> kv.createRevision() < ownRevision)
                .max(Comparator.comparingLong(KeyValue::createRevision));
        stopWaiting();
        if (predecessor.isEmpty()) {
            elected(gen);
            return;
        }
        String key = predecessor.get().key();
        log.debug("{} waits for {}", candidacy.key(), key);
        try {
            // From the listing's revision on: a deletion between the list and the watch is not missed.
            waiting = PredecessorWait.start(store, thread, key, listing.revision() + 1,
                    onThread(gen, () -> check(gen)), ttlSeconds);
        } catch (StoreException e) {
            retryLater(() -> check(gen));
            return;
        }
        waitingFor = key;
    }

    private void stopWaiting() {
        if (waiting != null) {
            waiting.close();
            waiting = null;
        }
        waitingFor = null;
    }

    private void elected(int gen) {
        if (leadership != null) {
            return;
        }
        if (unconfirmed()) {
            // First in line, but the lease is not confirmed (etcd was away): lead after the next keep-alive.
            awaitingKeepAlive = true;
            return;
        }
        LeaderKey key = candidacy.leaderKey();
        leadership = key;
        log.info("elected leader under {}: {}", keyPrefix, key.key());
        watchDeadline(gen);
        tell(() -> listener.onElected(key));
    }

    /** Demotes the leader shortly before its lease could expire unconfirmed. */
    private void watchDeadline(int gen) {
        long wait = candidacy.deadlineNanos() - marginNanos - System.nanoTime();
        deadlineCheck = thread.schedule(() -> {
            if (gen != generation || leadership == null) {
                return;
            }
            if (unconfirmed()) {
                lost(gen, "lease " + Long.toHexString(candidacy.leaseId()) + " not confirmed by etcd within its TTL of "
                        + ttlSeconds + "s minus the safety margin");
            } else {
                watchDeadline(gen);
            }
        }, Math.max(0, wait), TimeUnit.NANOSECONDS);
    }

    /** The lease is not confirmed alive for the safety margin to come: a leader must not go on. */
    private boolean unconfirmed() {
        return System.nanoTime() >= candidacy.deadlineNanos() - marginNanos;
    }

    /** The candidacy is over (key or lease gone): tell, clean up, and campaign again. */
    private void lost(int gen, String reason) {
        if (gen != generation || closed) {
            return;
        }
        if (leadership != null) {
            demote(reason); // first: the leader must stop before anything slow happens
        } else {
            log.info("candidacy {} ended: {}", candidacy.key(), reason);
        }
        // Revoked off this thread, lest a silent endpoint keep this candidate out of the next campaign.
        Candidacy ended = endCandidacy();
        if (ended != null) {
            ended.closeInBackground();
        }
        if (wanted) {
            retryLater(this::join);
        }
    }

    private void demote(String reason) {
        log.warn("demoted ({}): {}", candidacy.key(), reason);
        leadership = null;
        tell(() -> listener.onDemoted(reason));
    }

    private void teardown() {
        Candidacy ended = endCandidacy();
        if (ended != null) {
            ended.close(); // revokes: the key goes with it
        }
    }

    /** Ends the candidacy here; returns it (null: none), still to be closed. */
    private Candidacy endCandidacy() {
        generation++; // anything still in flight for the old candidacy is ignored
        leadership = null;
        awaitingKeepAlive = false;
        if (deadlineCheck != null) {
            deadlineCheck.cancel(false);
            deadlineCheck = null;
        }
        stopWaiting();
        Candidacy c = candidacy;
        candidacy = null;
        return c;
    }

    private void retryLater(Runnable task) {
        failures++;
        thread.schedule(task, BACKOFF.delay(failures).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A callback for a watch or lease: runs the action on the election thread if the candidacy is still current. */
    private Runnable onThread(int gen, Runnable action) {
        return () -> thread.submit(() -> {
            if (gen == generation) {
                action.run();
            }
        });
    }

    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("election listener failed", e);
        }
    }

}
