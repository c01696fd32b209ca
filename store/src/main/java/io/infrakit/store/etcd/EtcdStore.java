package io.infrakit.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** {@link io.infrakit.store.Store} on etcd v3 through jetcd (gRPC). Thread-safe; one instance per process is enough. */
public final class EtcdStore extends AbstractEtcdStore {

    private final Client client;
    private final KV kv;
    private final Calls calls;
    private final JetcdWatchStreams watchStreams;
    private final LeaseCalls leaseCalls;
    private final Reconnect reconnect;

    public EtcdStore(StoreConfig config) {
        super(config);
        this.calls = new Calls(endpoints(), config.requestTimeout(), new EndpointProbe(config)::diagnose);
        // The interceptor exists before the client, the channel it reports timeouts to only after.
        this.client = clientBuilder(config, this::timedOut).build();
        this.kv = client.getKVClient();
        this.watchStreams = new JetcdWatchStreams(client.getWatchClient());
        this.leaseCalls = new JetcdLeaseCalls(client.getLeaseClient(), calls, this::timedOut);
        this.reconnect = Reconnect.of(client);
        timer().scheduleWithFixedDelay(reconnect::tick, 1, 1, TimeUnit.SECONDS);
    }

    public static EtcdStore connect(String... endpoints) {
        return new EtcdStore(StoreConfig.of(endpoints));
    }

    /** A request sent at {@code sentNanos} timed out: leave a member that may have stopped answering. */
    private void timedOut(long sentNanos) {
        Reconnect r = reconnect;
        if (r != null && r.timedOut(sentNanos)) {
            watchStreams.reopenAll();
        }
    }

    private static ClientBuilder clientBuilder(StoreConfig config, LongConsumer onDeadline) {
        ClientBuilder b = Client.builder()
                .endpoints(config.endpoints().toArray(String[]::new))
                .connectTimeout(config.connectTimeout())
                // Pings only while calls wait: etcd counts pings on an idle connection as abuse and closes it.
                .keepaliveTime(config.keepaliveTime())
                .keepaliveTimeout(config.keepaliveTimeout())
                .keepaliveWithoutCalls(false)
                .interceptor(Calls.deadlines(config.requestTimeout(), onDeadline));
        if (config.tls()) {
            try {
                // The files read here, as for the gateway, rather than by Netty: given a key file, Netty first
                // tries BouncyCastle's reader when it is on the class path, which sets up the whole BouncyCastle
                // provider (hundreds of classes) on every start.
                TlsFiles files = new TlsFiles(config);
                X509ExtendedTrustManager trust = files.trustManager();
                KeyManager[] keys = files.keyManagers();
                b.sslContext(ssl -> {
                    ssl.trustManager(trust);
                    if (keys != null) {
                        ssl.keyManager(keys[0]);
                    }
                });
            } catch (GeneralSecurityException | IOException | RuntimeException e) {
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
    Page range(byte[] from, byte[] end, int limit, long revision, String what) {
        GetOption.Builder option = GetOption.builder().withRange(ByteSequence.from(end)).withLimit(limit);
        if (revision != 0) {
            option.withRevision(revision);
        }
        GetOption page = option.build();
        GetResponse r = calls.awaitRetrying(() -> kv.get(ByteSequence.from(from), page), what);
        return new Page(r.getKvs().stream().map(EtcdStore::keyValue).toList(), r.isMore(),
                r.getHeader().getRevision());
    }

    @Override
    boolean isCompacted(StoreException e) {
        return Calls.isCompacted(e);
    }

    @Override
    WatchStreams watchStreams() {
        return watchStreams;
    }

    @Override
    LeaseCalls leaseCalls() {
        return leaseCalls;
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

    @Override
    public void compact(long revision) {
        ensureOpen();
        calls.await(kv.compact(revision, CompactOption.builder().withCompactPhysical(true).build()),
                "compact " + revision);
    }

    @Override
    public List<String> alarms() {
        ensureOpen();
        return calls.await(client.getMaintenanceClient().listAlarms(), "list alarms").getAlarms().stream()
                .filter(a -> a.getAlarmType() != io.etcd.jetcd.maintenance.AlarmType.NONE)
                .map(a -> a.getAlarmType() + " on member " + Long.toHexString(a.getMemberId())).toList();
    }

    @Override
    void closeClient() {
        client.close();
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    static KeyValue keyValue(io.etcd.jetcd.KeyValue k) {
        byte[] value = k.getValue().getBytes();
        return new KeyValue(text(k.getKey()), new String(value, StandardCharsets.UTF_8), k.getCreateRevision(),
                k.getModRevision(), k.getVersion(), value.length, Utf8.firstMalformed(value));
    }

    static ByteSequence prefixEnd(String prefix) {
        return ByteSequence.from(KeyRanges.prefixEnd(prefix));
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
