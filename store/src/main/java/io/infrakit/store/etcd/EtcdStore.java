package io.infrakit.store.etcd;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Lease;
import io.infrakit.store.LeaseListener;
import io.infrakit.store.LeaseTtl;
import io.infrakit.store.Listing;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.WatchListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** {@link Store} on etcd v3 through jetcd. Thread-safe; one instance per process is enough. */
public final class EtcdStore implements Store {

    /** Keys per range request when listing, to stay far below gRPC's message size limit. */
    static final int PAGE = 500;

    private final StoreConfig config;
    private final String endpoints;
    private final Client client;
    private final KV kv;
    private final Calls calls;
    private final ScheduledExecutorService timer;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private final Set<EtcdLease> leases = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public EtcdStore(StoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.endpoints = String.join(",", config.endpoints());
        this.calls = new Calls(endpoints, config.requestTimeout(), new EndpointProbe(config)::diagnose);
        this.client = clientBuilder(config).build();
        this.kv = client.getKVClient();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                new ThreadFactoryBuilder().setNameFormat("infrakit-store-timer-%d").setDaemon(true).build());
        timer.setRemoveOnCancelPolicy(true);
        this.timer = timer;
        Reconnect reconnect = Reconnect.of(client);
        timer.scheduleWithFixedDelay(reconnect::tick, 1, 1, TimeUnit.SECONDS);
    }

    public static EtcdStore connect(String... endpoints) {
        return new EtcdStore(StoreConfig.of(endpoints));
    }

    public StoreConfig config() {
        return config;
    }

    private static ClientBuilder clientBuilder(StoreConfig config) {
        ClientBuilder b = Client.builder()
                .endpoints(config.endpoints().toArray(String[]::new))
                .connectTimeout(config.connectTimeout())
                .interceptor(Calls.deadlines(config.requestTimeout()));
        if (config.tls()) {
            try {
                b.sslContext(ssl -> {
                    if (config.caCert() != null) {
                        ssl.trustManager(config.caCert().toFile());
                    }
                    if (config.clientCert() != null) {
                        ssl.keyManager(config.clientCert().toFile(), config.clientKey().toFile());
                    }
                });
            } catch (SSLException | RuntimeException e) {
                throw new StoreException("cannot set up TLS for etcd at " + config.endpoints() + ": "
                        + e.getMessage(), e);
            }
        }
        if (config.user() != null) {
            b.user(bytes(config.user())).password(bytes(config.password()));
        }
        return b;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        ensureOpen();
        GetResponse r = calls.awaitRetrying(() -> kv.get(bytes(key)), "get " + key);
        return r.getKvs().stream().findFirst().map(EtcdStore::keyValue);
    }

    @Override
    public Listing list(String prefix) {
        ensureOpen();
        // A page read at a revision that gets compacted before the next page: start over at a newer revision.
        for (int attempt = 1; ; attempt++) {
            try {
                return listOnce(prefix);
            } catch (StoreException e) {
                if (attempt >= 3 || !Calls.isCompacted(e)) {
                    throw e;
                }
            }
        }
    }

    private Listing listOnce(String prefix) {
        ByteSequence end = prefixEnd(prefix);
        ByteSequence from = bytes(prefix.isEmpty() ? "\0" : prefix);
        List<KeyValue> kvs = new ArrayList<>();
        long revision = 0;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE);
            if (revision != 0) {
                option.withRevision(revision);
            }
            ByteSequence start = from;
            GetOption page = option.build();
            GetResponse r = calls.awaitRetrying(() -> kv.get(start, page), "list " + prefix);
            if (revision == 0) {
                revision = r.getHeader().getRevision();
            }
            r.getKvs().forEach(k -> kvs.add(keyValue(k)));
            if (!r.isMore() || r.getKvs().isEmpty()) {
                return new Listing(kvs, revision);
            }
            from = bytes(kvs.get(kvs.size() - 1).key() + "\0");
        }
    }

    @Override
    public long put(String key, String value) {
        ensureOpen();
        // Safe to repeat after a failure: a put or delete leaves the same state however often it is applied.
        // Transactions are not repeated: their compares may not hold a second time; callers re-read and decide.
        return calls.awaitRetrying(() -> kv.put(bytes(key), bytes(value)), "put " + key).getHeader().getRevision();
    }

    @Override
    public boolean delete(String key) {
        ensureOpen();
        return calls.awaitRetrying(() -> kv.delete(bytes(key)), "delete " + key).getDeleted() > 0;
    }

    @Override
    public TxnResult commit(Txn txn) {
        ensureOpen();
        Cmp[] ifs = txn.compares().stream().map(EtcdStore::cmp).toArray(Cmp[]::new);
        io.etcd.jetcd.op.Op[] then = txn.then().stream().map(EtcdStore::op).toArray(io.etcd.jetcd.op.Op[]::new);
        io.etcd.jetcd.op.Op[] otherwise =
                txn.otherwise().stream().map(EtcdStore::op).toArray(io.etcd.jetcd.op.Op[]::new);
        TxnResponse r = calls.await(kv.txn().If(ifs).Then(then).Else(otherwise).commit(), "txn");
        return new TxnResult(r.isSucceeded(), r.getHeader().getRevision());
    }

    /**
     * Discards history up to {@code revision}: watches from before it must re-list. Operators and tests use it;
     * etcd can also compact by itself ({@code --auto-compaction-retention}).
     */
    public void compact(long revision) {
        ensureOpen();
        calls.await(kv.compact(revision, CompactOption.builder().withCompactPhysical(true).build()),
                "compact " + revision);
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        ensureOpen();
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        if (fromRevision < 0) {
            throw new IllegalArgumentException("fromRevision must be >= 0: " + fromRevision);
        }
        EtcdWatch watch = new EtcdWatch(this, client.getWatchClient(), prefix, listener, watches::remove);
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
        EtcdLease lease = EtcdLease.grant(client.getLeaseClient(), calls, timer, ttlSeconds,
                listener == null ? LeaseListener.NONE : listener, leases::remove);
        leases.add(lease);
        return lease;
    }

    @Override
    public Optional<LeaseTtl> leaseTtl(long leaseId) {
        ensureOpen();
        LeaseTimeToLiveResponse r = calls.await(client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT),
                "lease time-to-live " + Long.toHexString(leaseId));
        // etcd answers TTL -1 for a lease it does not know (expired or revoked).
        return r.getTTL() < 0 ? Optional.empty() : Optional.of(new LeaseTtl(r.getGrantedTTL(), r.getTTL()));
    }

    /** Revokes any lease by id (as an administrator would): its keys disappear and its holder hears it expired. */
    public void revokeLease(long leaseId) {
        ensureOpen();
        calls.await(client.getLeaseClient().revoke(leaseId), "revoke lease " + Long.toHexString(leaseId));
    }

    @Override
    public String endpoints() {
        return endpoints;
    }

    Calls calls() {
        return calls;
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
        List.copyOf(watches).forEach(EtcdWatch::close);
        List.copyOf(leases).forEach(EtcdLease::abandon);
        timer.shutdownNow();
        client.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("store for etcd at " + endpoints + " is closed");
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    static KeyValue keyValue(io.etcd.jetcd.KeyValue k) {
        return new KeyValue(text(k.getKey()), text(k.getValue()), k.getCreateRevision(), k.getModRevision(),
                k.getVersion(), k.getValue().size());
    }

    /** The smallest key greater than every key with this prefix ("\0" = end of the key space, as etcd has it). */
    static ByteSequence prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(b, i + 1);
                end[i]++;
                return ByteSequence.from(end);
            }
        }
        return ByteSequence.from(new byte[] {0});
    }

    private static Cmp cmp(Compare c) {
        CmpTarget<?> target = switch (c.target()) {
            case CREATE_REVISION -> CmpTarget.createRevision(c.expected());
            case MOD_REVISION -> CmpTarget.modRevision(c.expected());
        };
        return new Cmp(bytes(c.key()), Cmp.Op.EQUAL, target);
    }

    private static io.etcd.jetcd.op.Op op(Op op) {
        return switch (op.kind()) {
            case PUT -> io.etcd.jetcd.op.Op.put(bytes(op.key()), bytes(op.value()),
                    op.leaseId() == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(op.leaseId()).build());
            case DELETE -> io.etcd.jetcd.op.Op.delete(bytes(op.key()), DeleteOption.DEFAULT);
            case DELETE_PREFIX -> io.etcd.jetcd.op.Op.delete(bytes(op.key().isEmpty() ? "\0" : op.key()),
                    DeleteOption.builder().withRange(prefixEnd(op.key())).build());
        };
    }
}
