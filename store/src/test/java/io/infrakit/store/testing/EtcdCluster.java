package io.infrakit.store.testing;

import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdApi;
import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.LocalPorts;
import io.infrakit.store.etcd.EtcdStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real etcd cluster of 1 or 3 members on loopback, with fast raft timings, in a temp dir that is deleted on
 * close (every member preallocates ~123 MB of WAL). Use it directly (try-with-resources) or as a JUnit 5
 * extension shared by a test class:
 *
 * <pre>{@code @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();}</pre>
 */
public final class EtcdCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private final int size;
    private final List<EtcdServer> members = new ArrayList<>();
    private final List<EtcdApi> stores = new ArrayList<>();
    private Path dir;

    private EtcdCluster(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one member");
        }
        this.size = size;
    }

    /** One member (not started: {@link #start()} it, or register it as an extension). */
    public static EtcdCluster single() {
        return new EtcdCluster(1);
    }

    public static EtcdCluster ofSize(int members) {
        return new EtcdCluster(members);
    }

    /** Starts every member and waits until all are healthy. */
    public synchronized EtcdCluster start() {
        if (dir != null) {
            return this;
        }
        try {
            dir = Files.createTempDirectory("etcd-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = LocalPorts.free(2 * size);
        String initial = Stream.iterate(0, i -> i < size, i -> i + 1)
                .map(i -> "m" + i + "=http://127.0.0.1:" + ports[2 * i + 1])
                .collect(Collectors.joining(","));
        for (int i = 0; i < size; i++) {
            members.add(EtcdServer.builder("m" + i, dir.resolve("m" + i))
                    .ports(ports[2 * i], ports[2 * i + 1])
                    .initialCluster(initial)
                    .fastTimings(true)
                    .build());
        }
        try {
            members.forEach(EtcdServer::launch);
            for (EtcdServer m : members) {
                m.awaitHealthy(Duration.ofSeconds(20));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    public List<String> endpoints() {
        return members.stream().map(EtcdServer::clientUrl).toList();
    }

    /** Client settings for every member (default timeouts: the first call of a cold JVM on a busy machine is slow). */
    public StoreConfig storeConfig() {
        return StoreConfig.of(endpoints().toArray(String[]::new));
    }

    /** A store on this cluster, closed with the cluster. */
    public synchronized EtcdStore newStore() {
        EtcdStore store = new EtcdStore(storeConfig());
        stores.add(store);
        return store;
    }

    /** A store of that kind on this cluster, closed with the cluster. */
    public synchronized EtcdApi newStore(StoreKind kind) {
        EtcdApi store = kind.open(storeConfig());
        stores.add(store);
        return store;
    }

    public EtcdServer member(int index) {
        return members.get(index);
    }

    public int size() {
        return size;
    }

    /** kill -9 of one member. */
    public void kill(int index) {
        members.get(index).kill();
    }

    /** Starts a stopped or killed member again, same ports and data, and waits until it is healthy. */
    public void restart(int index) {
        members.get(index).restart();
    }

    /** A fresh key prefix, so tests sharing a cluster do not see each other's keys. */
    public static String uniquePrefix(String name) {
        return "/test/" + name + "-" + Long.toHexString(System.nanoTime()) + "/";
    }

    @Override
    public synchronized void close() {
        stores.forEach(EtcdApi::close);
        stores.clear();
        members.forEach(EtcdServer::close);
        members.clear();
        if (dir != null) {
            deleteTree(dir);
            dir = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
