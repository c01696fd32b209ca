package io.infrakit.bench.chaos;

import io.infrakit.plugins.rpc.PluginServer;
import io.infrakit.store.StoreConfig;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.election.Candidate;
import io.infrakit.store.election.Election;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The lab's parts: a 3-member etcd and 3 operator replicas in their network namespaces, a relay per replica and
 * member (where latency is added), the recording instance plugin on a Unix socket in a directory every replica
 * reads (Unix sockets do not cross the network: a partition leaves every replica its plugin), and the harness's
 * own etcd client, which reaches the members directly. {@link #close} removes all of it.
 */
final class LabCluster implements AutoCloseable {

    static final String PREFIX = "/lab";

    /** A leader as the harness saw it take over: when, its term (the key's create revision), which replica. */
    record Leadership(long at, long term, String replica) {
    }

    final LabNetwork net;
    final Path dir;
    final long t0 = System.nanoTime();
    final RecordingPlugin plugin;
    final EtcdStore store;
    final List<Leadership> leaderships = new CopyOnWriteArrayList<>();
    private final LabProcess[] members = new LabProcess[LabNetwork.MEMBERS + 1];
    private final LabProcess[] replicas = new LabProcess[LabNetwork.REPLICAS + 1];
    private final DelayRelay[][] relays = new DelayRelay[LabNetwork.REPLICAS + 1][LabNetwork.MEMBERS + 1];
    private PluginServer pluginServer;
    private final Path jar;
    private final int ttlSeconds;
    private final long quotaBytes;
    private volatile boolean watching = true;
    private final Thread cleanup = new Thread(this::closeOnce, "lab-cleanup");
    private boolean closed;
    private final Thread watcher;

    private LabCluster(LabNetwork net, Path dir, Path jar, int ttlSeconds, long quotaBytes) throws IOException {
        this.net = net;
        this.dir = dir;
        this.jar = jar;
        this.ttlSeconds = ttlSeconds;
        this.quotaBytes = quotaBytes;
        Files.createDirectories(dir.resolve("plugins"));
        this.plugin = new RecordingPlugin(t0, dir.resolve("plugin-calls.log"));
        this.store = new EtcdStore(StoreConfig.of(allEndpoints().split(",")));
        this.watcher = new Thread(this::watchLeaders, "lab-leader-watch");
        watcher.setDaemon(true);
    }

    private void boot() throws Exception {
        pluginServer = PluginServer.builder().instance(plugin).start(dir.resolve("plugins").resolve("instance-lab"));
        for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
            members[m] = etcd(m, "new").start();
        }
        awaitEtcd(Duration.ofSeconds(60));
        for (int r = 1; r <= LabNetwork.REPLICAS; r++) {
            for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
                relays[r][m] = new DelayRelay(net.hostIp(), relayPort(r, m),
                        new InetSocketAddress(net.etcdIp(m), 2379));
            }
        }
        watcher.start();
    }

    /** Starts everything; on failure removes what was made. */
    static LabCluster start(Path dir, Path jar, int ttlSeconds, long quotaBytes) throws Exception {
        LabNetwork net = LabNetwork.create();
        LabCluster lab;
        try {
            lab = new LabCluster(net, dir, jar, ttlSeconds, quotaBytes);
        } catch (Exception | Error e) {
            net.close();
            throw e;
        }
        // From here on a Ctrl-C or SIGTERM still removes the namespaces and stops what runs in them.
        Runtime.getRuntime().addShutdownHook(lab.cleanup);
        try {
            lab.boot();
            return lab;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    int relayPort(int replica, int member) {
        return 20000 + 10 * replica + member;
    }

    long now() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    // ---- etcd members ----

    private LabProcess etcd(int m, String state) {
        StringJoiner cluster = new StringJoiner(",");
        for (int i = 1; i <= LabNetwork.MEMBERS; i++) {
            cluster.add("e" + i + "=http://" + net.etcdIp(i) + ":2380");
        }
        String ip = net.etcdIp(m);
        List<String> cmd = List.of("etcd", "--name", "e" + m, "--data-dir", dataDir(m).toString(),
                "--listen-client-urls", "http://" + ip + ":2379", "--advertise-client-urls", "http://" + ip + ":2379",
                "--listen-peer-urls", "http://" + ip + ":2380", "--initial-advertise-peer-urls", "http://" + ip + ":2380",
                "--initial-cluster", cluster.toString(), "--initial-cluster-state", state,
                "--initial-cluster-token", "lab", "--quota-backend-bytes", Long.toString(quotaBytes),
                "--logger", "zap", "--log-outputs", "stderr");
        return new LabProcess("e" + m, net.etcdNs(m), cmd, dir.resolve("e" + m + ".log"));
    }

    Path dataDir(int m) {
        return dir.resolve("etcd-e" + m);
    }

    String memberEndpoint(int m) {
        return "http://" + net.etcdIp(m) + ":2379";
    }

    String allEndpoints() {
        StringJoiner s = new StringJoiner(",");
        for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
            s.add(memberEndpoint(m));
        }
        return s.toString();
    }

    LabProcess member(int m) {
        return members[m];
    }

    /** kill -9 of a member, then a restart on the same data. */
    void restartMember(int m) throws IOException, InterruptedException {
        restartMember(m, Duration.ZERO);
    }

    /** kill -9 of a member, {@code down} without it, then a restart on the same data. */
    void restartMember(int m, Duration down) throws IOException, InterruptedException {
        members[m].kill9();
        for (int r = 1; r <= LabNetwork.REPLICAS; r++) {
            relays[r][m].dropConnections();
        }
        Thread.sleep(down.toMillis());
        members[m] = etcd(m, "existing").start();
    }

    void awaitEtcd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                store.get(PREFIX + "/probe");
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("etcd did not answer within " + timeout + ": " + e.getMessage());
                }
                Thread.sleep(200);
            }
        }
    }

    // ---- replicas ----

    void startReplica(int r) throws IOException {
        StringJoiner etcd = new StringJoiner(",");
        for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
            etcd.add("http://" + net.hostIp() + ":" + relayPort(r, m));
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx160m", "-jar", jar.toString(), "up",
                "--id", "o" + r, "--etcd", etcd.toString(), "--prefix", PREFIX, "--lease-ttl", ttlSeconds + "s",
                "--resync", "1s", "--plugins-dir", dir.resolve("plugins").toString(),
                "--file-dir", dir.resolve("files-o" + r).toString(), "--no-group-socket",
                "--http", net.operatorIp(r) + ":8080"));
        replicas[r] = new LabProcess("o" + r, net.operatorNs(r), cmd, dir.resolve("o" + r + ".log")).start();
    }

    LabProcess replica(int r) {
        return replicas[r];
    }

    /** The replica that leads now, as etcd says (0: none). */
    int leader() {
        Optional<Candidate> c = Election.currentLeader(store, PREFIX + "/leader/");
        return c.map(x -> replicaIndex(x.value())).orElse(0);
    }

    static int replicaIndex(String identityJson) {
        int i = identityJson.indexOf("\"ID\":\"o");
        return i < 0 ? 0 : identityJson.charAt(i + 7) - '0';
    }

    int awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                int l = leader();
                if (l > 0) {
                    return l;
                }
            } catch (RuntimeException e) {
                // etcd busy: ask again
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no leader within " + timeout);
    }

    /** Records each change of leader key (the lowest create revision) with the time the harness saw it. */
    private void watchLeaders() {
        long last = -1;
        while (watching) {
            try {
                Optional<Candidate> c = Election.currentLeader(store, PREFIX + "/leader/");
                long term = c.map(Candidate::createRevision).orElse(0L);
                if (term != last && term != 0) {
                    leaderships.add(new Leadership(now(), term, "o" + replicaIndex(c.get().value())));
                }
                if (term != 0) {
                    last = term;
                }
            } catch (RuntimeException e) {
                // etcd unavailable for the harness too (a restore): the next look tells
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ---- faults ----

    /** Adds this much latency in each direction between a replica and every member (a round trip gains twice). */
    void latency(int replica, long millisEachWay) {
        for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
            relays[replica][m].delay(millisEachWay);
        }
    }

    /** Cuts a replica from a member: what it sends is dropped, and (if {@code both}) what it would receive. */
    void cut(int replica, int member, boolean outbound, boolean inbound) {
        if (outbound) {
            net.dropToHostPort(net.operatorNs(replica), relayPort(replica, member));
        }
        if (inbound) {
            net.dropFromHostPort(net.operatorNs(replica), relayPort(replica, member));
        }
    }

    /**
     * The leader cut from the etcd majority: {@code minority} is cut from its peers, the leader reaches only it, the
     * other replicas only the other members.
     */
    void leaderInMinority(int leader, int minority) {
        isolateMember(minority);
        for (int r = 1; r <= LabNetwork.REPLICAS; r++) {
            for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
                if ((r == leader) != (m == minority)) {
                    cut(r, m, true, true);
                }
            }
        }
    }

    /** The replica's requests still reach every member; nothing comes back (asymmetric). */
    void deafen(int replica) {
        for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
            cut(replica, m, false, true);
        }
    }

    /** The member receives nothing from its peers; what it sends still arrives (asymmetric). */
    void deafenMember(int member) {
        for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
            if (m != member) {
                net.dropFrom(net.etcdNs(member), net.etcdIp(m));
            }
        }
    }

    /** Cuts a member from its peers, both directions. */
    void isolateMember(int member) {
        for (int m = 1; m <= LabNetwork.MEMBERS; m++) {
            if (m != member) {
                net.dropTo(net.etcdNs(member), net.etcdIp(m));
                net.dropFrom(net.etcdNs(member), net.etcdIp(m));
            }
        }
    }

    void heal() {
        net.heal();
        for (int r = 1; r <= LabNetwork.REPLICAS; r++) {
            latency(r, 0);
        }
    }

    @Override
    public void close() {
        closeOnce();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // shutting down already: the hook is this
        }
    }

    private synchronized void closeOnce() {
        if (closed) {
            return;
        }
        closed = true;
        watching = false;
        watcher.interrupt();
        for (LabProcess p : replicas) {
            if (p != null) {
                p.close();
            }
        }
        for (DelayRelay[] row : relays) {
            for (DelayRelay r : row) {
                if (r != null) {
                    r.close();
                }
            }
        }
        for (LabProcess p : members) {
            if (p != null) {
                p.close();
            }
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            // closing anyway
        }
        if (pluginServer != null) {
            pluginServer.close();
        }
        try {
            plugin.close();
        } catch (IOException e) {
            // the record is flushed line by line
        }
        net.close();
    }
}
