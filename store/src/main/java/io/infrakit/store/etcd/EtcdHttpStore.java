package io.infrakit.store.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.LeaseTtl;
import io.infrakit.store.Op;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.Utf8;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@link io.infrakit.store.Store} on etcd's JSON gateway, the HTTP face of etcd's v3 API on its client port (etcd
 * 3.4 and later, with its TLS, client certificates and users). It starts in a few milliseconds where jetcd's gRPC
 * stack (Vert.x, Netty, gRPC) takes hundreds, so short-lived commands use it; long-running processes keep
 * {@link EtcdStore}, whose connection pings etcd and whose streams share one connection. Watches and leases behave
 * as {@link EtcdStore}'s: the same {@link ResumingWatch} and {@link KeptLease} over the gateway's streams.
 */
public final class EtcdHttpStore extends AbstractEtcdStore {

    private final GatewayCalls calls;
    private final GatewayWatchStreams watchStreams;
    private final LeaseCalls leaseCalls = new GatewayLeaseCalls();
    private volatile ExecutorService keepAlives;

    /** @throws StoreException when the TLS files cannot be used */
    public EtcdHttpStore(StoreConfig config) {
        super(config);
        this.calls = new GatewayCalls(config, new EndpointProbe(config)::diagnose);
        this.watchStreams = new GatewayWatchStreams(calls);
    }

    @Override
    public Optional<KeyValue> get(String key) {
        ensureOpen();
        JsonNode r = calls.call("/v3/kv/range", request(key), "get " + key, true);
        return kvs(r.path("kvs")).stream().findFirst();
    }

    @Override
    Page range(byte[] from, byte[] end, int limit, long revision, String what) {
        ensureOpen();
        ObjectNode body = GatewayCalls.JSON.createObjectNode().put("key", base64(from)).put("range_end", base64(end))
                .put("limit", Integer.toString(limit));
        if (revision != 0) {
            body.put("revision", Long.toString(revision));
        }
        JsonNode r = calls.call("/v3/kv/range", body, what, true);
        return new Page(kvs(r.path("kvs")), r.path("more").asBoolean(false), revision(r));
    }

    @Override
    public long put(String key, String value) {
        ensureOpen();
        ObjectNode body = request(key).put("value", base64(value));
        return revision(calls.call("/v3/kv/put", body, "put " + key, true));
    }

    @Override
    public boolean delete(String key) {
        ensureOpen();
        return number(calls.call("/v3/kv/deleterange", request(key), "delete " + key, true).path("deleted")) > 0;
    }

    @Override
    public TxnResult commit(Txn txn) {
        ensureOpen();
        ObjectNode body = GatewayCalls.JSON.createObjectNode();
        ArrayNode compares = body.putArray("compare");
        for (Compare c : txn.compares()) {
            boolean create = c.target() == Compare.Target.CREATE_REVISION;
            compares.addObject().put("key", base64(c.key())).put("result", "EQUAL")
                    .put("target", create ? "CREATE" : "MOD")
                    .put(create ? "create_revision" : "mod_revision", Long.toString(c.expected()));
        }
        ops(body.putArray("success"), txn.then());
        ops(body.putArray("failure"), txn.otherwise());
        JsonNode r = calls.call("/v3/kv/txn", body, "txn", false);
        return new TxnResult(r.path("succeeded").asBoolean(false), revision(r));
    }

    @Override
    public void compact(long revision) {
        ensureOpen();
        ObjectNode body = GatewayCalls.JSON.createObjectNode().put("revision", Long.toString(revision))
                .put("physical", true);
        calls.call("/v3/kv/compaction", body, "compact " + revision, false);
    }

    @Override
    boolean isCompacted(StoreException e) {
        return compacted(e);
    }

    static boolean compacted(Throwable e) {
        return e.getMessage() != null && e.getMessage().contains("required revision has been compacted");
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
    void closeClient() {
        ExecutorService pool = keepAlives;
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private static void ops(ArrayNode out, List<Op> ops) {
        for (Op op : ops) {
            switch (op.kind()) {
                case PUT -> {
                    ObjectNode put = out.addObject().putObject("request_put").put("key", base64(op.key()))
                            .put("value", base64(op.value()));
                    if (op.leaseId() != 0) {
                        put.put("lease", Long.toString(op.leaseId()));
                    }
                }
                case DELETE -> out.addObject().putObject("request_delete_range").put("key", base64(op.key()));
                case DELETE_PREFIX -> out.addObject().putObject("request_delete_range")
                        .put("key", base64(KeyRanges.start(op.key())))
                        .put("range_end", base64(KeyRanges.prefixEnd(op.key())));
            }
        }
    }

    private static ObjectNode request(String key) {
        return GatewayCalls.JSON.createObjectNode().put("key", base64(key));
    }

    static List<KeyValue> kvs(JsonNode array) {
        List<KeyValue> out = new ArrayList<>(array.size());
        for (JsonNode kv : array) {
            out.add(keyValue(kv));
        }
        return out;
    }

    /** A key as the gateway gives it; fields at their zero value are left out (a deleted key has no value). */
    static KeyValue keyValue(JsonNode kv) {
        byte[] value = bytes(kv.path("value"));
        return new KeyValue(new String(bytes(kv.path("key")), StandardCharsets.UTF_8),
                new String(value, StandardCharsets.UTF_8), number(kv.path("create_revision")),
                number(kv.path("mod_revision")), number(kv.path("version")), value.length, Utf8.firstMalformed(value));
    }

    static long revision(JsonNode response) {
        return number(response.path("header").path("revision"));
    }

    /** A 64-bit number, which the gateway writes as a string; 0 when absent. */
    static long number(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? 0 : n.isNumber() ? n.asLong() : Long.parseLong(n.asText());
    }

    private static byte[] bytes(JsonNode base64) {
        return base64.isMissingNode() || base64.isNull() ? new byte[0] : Base64.getDecoder().decode(base64.asText());
    }

    static String base64(String s) {
        return base64(s.getBytes(StandardCharsets.UTF_8));
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** Leases through the gateway; keep-alives run on a pool of their own, so the timer never waits on etcd. */
    private final class GatewayLeaseCalls implements LeaseCalls {

        @Override
        public Granted grant(long ttlSeconds) {
            ensureOpen();
            ObjectNode body = GatewayCalls.JSON.createObjectNode().put("TTL", Long.toString(ttlSeconds));
            JsonNode r = calls.call("/v3/lease/grant", body, "grant lease", false);
            if (!r.path("error").asText("").isEmpty()) {
                throw new StoreException("etcd at " + endpoints() + " failed grant lease: " + r.path("error").asText());
            }
            return new Granted(number(r.path("ID")), number(r.path("TTL")));
        }

        @Override
        public CompletableFuture<?> keepAliveOnce(long id) {
            return CompletableFuture.runAsync(() -> {
                ObjectNode body = GatewayCalls.JSON.createObjectNode().put("ID", Long.toString(id));
                JsonNode r = calls.call("/v3/lease/keepalive", body, "keep lease alive", true).path("result");
                if (number(r.path("TTL")) <= 0) {
                    throw new GatewayCalls.Refused("etcdserver: requested lease not found", GatewayCalls.NOT_FOUND);
                }
            }, pool());
        }

        @Override
        public void revoke(long id) {
            ObjectNode body = GatewayCalls.JSON.createObjectNode().put("ID", Long.toString(id));
            calls.call("/v3/lease/revoke", body, "revoke lease " + Long.toHexString(id), true);
        }

        @Override
        public Optional<LeaseTtl> timeToLive(long id) {
            ObjectNode body = GatewayCalls.JSON.createObjectNode().put("ID", Long.toString(id));
            JsonNode r = calls.call("/v3/lease/timetolive", body, "lease time-to-live " + Long.toHexString(id), true);
            long ttl = number(r.path("TTL"));
            // etcd answers TTL -1 for a lease it does not know (expired or revoked).
            return ttl < 0 ? Optional.empty() : Optional.of(new LeaseTtl(number(r.path("grantedTTL")), ttl));
        }

        @Override
        public boolean isNotFound(Throwable error) {
            Throwable t = error;
            while (t != null) {
                if (t instanceof GatewayCalls.Refused r && r.code == GatewayCalls.NOT_FOUND) {
                    return true;
                }
                t = t.getCause();
            }
            return false;
        }

        @Override
        public Duration timeout() {
            return calls.timeout();
        }

        private ExecutorService pool() {
            ExecutorService pool = keepAlives;
            if (pool == null) {
                synchronized (this) {
                    pool = keepAlives;
                    if (pool == null) {
                        pool = Executors.newCachedThreadPool(r -> {
                            Thread t = new Thread(r, "infrakit-store-keepalive");
                            t.setDaemon(true);
                            return t;
                        });
                        keepAlives = pool;
                    }
                }
            }
            return pool;
        }
    }
}
