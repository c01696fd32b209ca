package io.infrakit.store.etcd;

import io.infrakit.store.KeyValue;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.LeaseTtl;
import io.infrakit.store.Listing;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every etcd client of this module does the same way, whatever carries its requests: listings in pages at one
 * revision, watches that resume ({@link ResumingWatch}), leases kept alive by our own loop ({@link KeptLease}), and
 * closing. Subclasses make the single requests.
 */
abstract class AbstractEtcdStore implements EtcdApi {

    /** Keys per range request when listing, to stay far below etcd's message size limit. */
    static final int PAGE = 500;
    private static final AtomicInteger TIMERS = new AtomicInteger();

    private final StoreConfig config;
    private final String endpoints;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<ResumingWatch> watches = ConcurrentHashMap.newKeySet();
    private final Set<KeptLease> leases = ConcurrentHashMap.newKeySet();
    private final RevisionWatermark watermark;
    private volatile boolean closed;

    AbstractEtcdStore(StoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.endpoints = String.join(",", config.endpoints());
        this.watermark = new RevisionWatermark(endpoints);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "infrakit-store-timer-" + TIMERS.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** One page of a range read at {@code revision} (0: the newest), and whether more keys follow it. */
    record Page(List<KeyValue> kvs, boolean more, long revision) {
    }

    /** Reads one page of {@code [from, end)}, retrying where that is safe, within the request timeout. */
    abstract Page range(byte[] from, byte[] end, int limit, long revision, String what);

    abstract WatchStreams watchStreams();

    abstract LeaseCalls leaseCalls();

    /** Whether a request failed because the revision it read at was compacted. */
    abstract boolean isCompacted(StoreException e);

    /** Closes the client's own connections and threads. */
    abstract void closeClient();

    public StoreConfig config() {
        return config;
    }

    @Override
    public String endpoints() {
        return endpoints;
    }

    /** The timer of lease keep-alives; subclasses may schedule their own short chores on it. */
    ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public Listing list(String prefix) {
        ensureOpen();
        // A page read at a revision that gets compacted before the next page: start over at a newer revision.
        for (int attempt = 1; ; attempt++) {
            try {
                return listOnce(prefix);
            } catch (StoreException e) {
                if (attempt >= 3 || !isCompacted(e)) {
                    throw e;
                }
            }
        }
    }

    private Listing listOnce(String prefix) {
        byte[] end = KeyRanges.prefixEnd(prefix);
        byte[] from = KeyRanges.start(prefix);
        List<KeyValue> kvs = new ArrayList<>();
        long revision = 0;
        while (true) {
            Page page = range(from, end, PAGE, revision, "list " + prefix);
            if (revision == 0) {
                revision = page.revision();
            }
            kvs.addAll(page.kvs());
            if (!page.more() || page.kvs().isEmpty()) {
                return new Listing(kvs, revision);
            }
            from = (kvs.get(kvs.size() - 1).key() + "\0").getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public Watch watch(String prefix, long fromRevision, io.infrakit.store.WatchListener listener) {
        ensureOpen();
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        if (fromRevision < 0) {
            throw new IllegalArgumentException("fromRevision must be >= 0: " + fromRevision);
        }
        ResumingWatch watch = new ResumingWatch(watchStreams(), this::list, this::isClosed, config.requestTimeout(),
                prefix, listener, watches::remove, watermark);
        watches.add(watch);
        watch.start(fromRevision);
        return watch;
    }

    @Override
    public Lease grantLease(long ttlSeconds, LeaseListener listener) {
        ensureOpen();
        if (ttlSeconds <= 0) {
            throw new IllegalArgumentException("lease TTL must be positive: " + ttlSeconds);
        }
        KeptLease lease = KeptLease.grant(leaseCalls(), timer, ttlSeconds,
                listener == null ? LeaseListener.NONE : listener, leases::remove);
        leases.add(lease);
        return lease;
    }

    @Override
    public Optional<LeaseTtl> leaseTtl(long leaseId) {
        ensureOpen();
        return leaseCalls().timeToLive(leaseId);
    }

    @Override
    public void revokeLease(long leaseId) {
        ensureOpen();
        leaseCalls().revoke(leaseId);
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops watches and keep-alives (leases are not revoked: they expire as if this process had died). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List.copyOf(watches).forEach(ResumingWatch::close);
        List.copyOf(leases).forEach(KeptLease::abandon);
        timer.shutdownNow();
        closeClient();
    }

    void ensureOpen() {
        if (closed) {
            throw new StoreException("store for etcd at " + endpoints + " is closed");
        }
    }

    /** Waits out a short pause between two attempts of a request. */
    static void pause(long millis, String interrupted) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(interrupted, e);
        }
    }
}
