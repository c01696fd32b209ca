package io.infrakit.store.etcd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How to run an {@link EtcdServer}: a member name and data directory, then ports, timings, TLS and flags. */
public final class EtcdServerBuilder {
    final String name;
    final Path dataDir;
    Path binary;
    int clientPort;
    int peerPort;
    boolean fastTimings;
    String initialCluster;
    String initialClusterState = "new";
    Duration startTimeout = Duration.ofSeconds(30);
    final List<String> extraArgs = new ArrayList<>();
    boolean detached;
    EtcdServer.Tls tls;
    boolean peerTls;

    EtcdServerBuilder(String name, Path dataDir) {
        this.name = Objects.requireNonNull(name, "name");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The etcd executable (default: {@code etcd} on PATH). */
    public EtcdServerBuilder binary(Path binary) {
        this.binary = binary;
        return this;
    }

    /** Fixed ports (default: free ones, kept across restarts). */
    public EtcdServerBuilder ports(int clientPort, int peerPort) {
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        return this;
    }

    /** Heartbeat 10 ms, election timeout 50 ms: fast start and failover on one machine (tests, dev mode). */
    public EtcdServerBuilder fastTimings(boolean fast) {
        this.fastTimings = fast;
        return this;
    }

    /** {@code n1=http://127.0.0.1:P1,n2=...} for a multi-member cluster (default: this member alone). */
    public EtcdServerBuilder initialCluster(String initialCluster) {
        this.initialCluster = initialCluster;
        return this;
    }

    /** "new" (default) or "existing" (joining a running cluster). */
    public EtcdServerBuilder initialClusterState(String state) {
        this.initialClusterState = state;
        return this;
    }

    /** How long {@link EtcdServer#start()} waits for health (default 30 s). */
    public EtcdServerBuilder startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    /** Serve clients over TLS (https client URL). */
    public EtcdServerBuilder tls(EtcdServer.Tls tls) {
        this.tls = tls;
        return this;
    }

    /**
     * Serve the peer port over TLS too, with the same certificate, and take only peers whose certificate the same
     * CA signed: nobody without a certificate can speak raft (or anything else) to the member. Needs {@link #tls}
     * with a client CA.
     */
    public EtcdServerBuilder peerTls(boolean peerTls) {
        this.peerTls = peerTls;
        return this;
    }

    /** More etcd flags, e.g. {@code --auto-compaction-retention=1}. */
    public EtcdServerBuilder extraArgs(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    /**
     * Run etcd in its own session and register no shutdown hook: the owner stops it, last, after whatever
     * still needs it (the operator's dev mode resigns its leadership before its etcd goes).
     */
    public EtcdServerBuilder detached(boolean detached) {
        this.detached = detached;
        return this;
    }

    public EtcdServer build() {
        return new EtcdServer(this);
    }
}
