package io.infrakit.store.etcd;

import io.infrakit.store.testing.StoreKind;

import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Listing;
import io.infrakit.store.Op;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import io.infrakit.store.TxnResult;
import io.infrakit.store.testing.EtcdCluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EtcdStoreTest {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void putGetDelete(StoreKind kind) {
        EtcdApi store = ETCD.newStore(kind);
        String key = EtcdCluster.uniquePrefix("kv") + "a";

        assertThat(store.get(key)).isEmpty();
        long rev1 = store.put(key, "{\"v\":1}");
        KeyValue kv = store.get(key).orElseThrow();
        assertThat(kv).isEqualTo(new KeyValue(key, "{\"v\":1}", rev1, rev1, 1));

        long rev2 = store.put(key, "ünïcode");
        assertThat(rev2).isGreaterThan(rev1);
        assertThat(store.get(key).orElseThrow())
                .isEqualTo(new KeyValue(key, "ünïcode", rev1, rev2, 2));

        assertThat(store.delete(key)).isTrue();
        assertThat(store.delete(key)).isFalse();
        assertThat(store.get(key)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void listReturnsOnlyThePrefixInKeyOrderAcrossPages(StoreKind kind) {
        EtcdApi store = ETCD.newStore(kind);
        String prefix = EtcdCluster.uniquePrefix("list");
        int n = EtcdStore.PAGE * 2 + 7; // forces three range requests
        for (int batch = 0; batch < n; batch += 100) { // one txn per 100 keys: etcd allows 128 ops per txn
            Txn.Builder txn = Txn.builder();
            IntStream.range(batch, Math.min(n, batch + 100))
                    .forEach(i -> txn.then(Op.put(prefix + String.format("k%04d", n - 1 - i), "v" + i)));
            assertThat(store.commit(txn.build()).succeeded()).isTrue();
        }
        store.put(prefix.substring(0, prefix.length() - 1) + "x/outside", "no");
        long after = store.put("/unrelated", "no");

        Listing listing = store.list(prefix);

        assertThat(listing.revision()).isEqualTo(after);
        assertThat(listing.kvs()).hasSize(n);
        assertThat(listing.kvs()).extracting(KeyValue::key).isSorted().allMatch(k -> k.startsWith(prefix));
        assertThat(listing.kvs().get(0).key()).isEqualTo(prefix + "k0000");
        assertThat(store.list(prefix + "nothing/").kvs()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void txnOnCreateRevision(StoreKind kind) {
        EtcdApi store = ETCD.newStore(kind);
        String key = EtcdCluster.uniquePrefix("txn") + "lock";

        Txn create = Txn.builder().when(Compare.absent(key)).then(Op.put(key, "mine")).build();
        TxnResult first = store.commit(create);
        TxnResult second = store.commit(create);

        assertThat(first.succeeded()).isTrue();
        assertThat(second.succeeded()).isFalse();
        assertThat(store.get(key).orElseThrow().createRevision()).isEqualTo(first.revision());
        assertThat(store.commit(Txn.builder().when(Compare.createRevision(key, first.revision()))
                .then(Op.put(key, "fenced")).build()).succeeded()).isTrue();
        assertThat(store.commit(Txn.builder().when(Compare.createRevision(key, first.revision() + 1000))
                .then(Op.put(key, "wrong")).otherwise(Op.put(key + "-else", "ran")).build()).succeeded())
                .isFalse();
        assertThat(store.get(key).orElseThrow().value()).isEqualTo("fenced");
        assertThat(store.get(key + "-else").orElseThrow().value()).isEqualTo("ran");
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void txnOnModRevisionAppliesAllOpsOrNone(StoreKind kind) {
        EtcdApi store = ETCD.newStore(kind);
        String prefix = EtcdCluster.uniquePrefix("txnmod");
        long rev = store.put(prefix + "spec", "v1");
        store.put(prefix + "old/1", "x");
        store.put(prefix + "old/2", "x");
        store.put(prefix + "gone", "x");

        TxnResult ok = store.commit(Txn.builder()
                .when(Compare.modRevision(prefix + "spec", rev))
                .then(Op.put(prefix + "status", "ok"))
                .then(Op.deletePrefix(prefix + "old/"))
                .then(Op.delete(prefix + "gone"))
                .build());
        assertThat(ok.succeeded()).isTrue();
        assertThat(store.list(prefix).kvs()).extracting(KeyValue::key)
                .containsExactly(prefix + "spec", prefix + "status");

        store.put(prefix + "spec", "v2"); // someone else changed it
        TxnResult stale = store.commit(Txn.builder()
                .when(Compare.modRevision(prefix + "spec", rev))
                .then(Op.put(prefix + "status", "stale"))
                .build());
        assertThat(stale.succeeded()).isFalse();
        assertThat(store.get(prefix + "status").orElseThrow().value()).isEqualTo("ok");
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void unreachableEtcdFailsWithinTheTimeoutAndNamesTheEndpoint(StoreKind kind) {
        int port = LocalPorts.free(1)[0];
        String url = "http://127.0.0.1:" + port;
        try (EtcdApi store = kind.open(
                StoreConfig.builder().endpoints(url).requestTimeout(Duration.ofMillis(800)).build())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.get("/x"))
                    .isInstanceOf(StoreException.class)
                    .hasMessage("etcd unreachable at " + url + ": nothing listens on 127.0.0.1:" + port
                            + " (Connection refused)");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).isBetween(700L, 3_000L);
            assertThatThrownBy(() -> store.put("/x", "y")).hasMessageContaining("etcd unreachable at " + url);
            assertThatThrownBy(() -> store.commit(Txn.builder().then(Op.put("/x", "y")).build()))
                    .hasMessageContaining("etcd unreachable at " + url);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void closedStoreRefusesCalls(StoreKind kind) {
        EtcdApi store = kind.open(ETCD.storeConfig());
        store.close();
        assertThatThrownBy(() -> store.get("/x")).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }
}
