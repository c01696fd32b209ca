package io.infrakit.operator.cli;

import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.dashboard.Dashboard;
import io.infrakit.operator.election.Replica;
import io.infrakit.operator.election.ReplicaIdentity;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.groupsocket.EtcdGroupPlugin;
import io.infrakit.operator.groupsocket.GroupSocket;
import io.infrakit.operator.http.HttpAddress;
import io.infrakit.operator.http.OperatorEndpoint;
import io.infrakit.operator.logging.LogFormat;
import io.infrakit.operator.metrics.OperatorMetrics;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.AdmissionPolicy;
import io.infrakit.operator.policy.PolicyGuard;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.discovery.LocalPluginDirectory;
import io.infrakit.plugins.http.HttpThreads;
import io.infrakit.store.Backoff;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.etcd.EtcdServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code infrakit up}: runs one operator replica until stopped. Without {@code --etcd}, starts a private etcd. */
@Command(name = "up", description = "Run the operator. Without --etcd (or INFRAKIT_ETCD), starts a private etcd "
        + "for it (dev mode).")
final class UpCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(UpCommand.class);

    @Mixin
    EtcdOptions etcd;
    @Mixin
    PluginOptions pluginOptions;
    @Mixin
    PolicyOptions policy;
    @Mixin
    ControllerOptions controllerOptions;
    @Mixin
    ElectionOptions election;
    @Mixin
    DashboardOptions dashboardOptions;

    @Option(names = "--http", paramLabel = "HOST:PORT|off", defaultValue = "${env:INFRAKIT_HTTP}",
            description = "Serve /metrics, /healthz, /readyz and the dashboard here (env INFRAKIT_HTTP, default "
                    + HttpAddress.DEFAULT + "; loopback unless told otherwise; 'off' for none).")
    String http;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:INFRAKIT_LOG_FORMAT:-text}",
            description = "Log lines on stderr: text or json, one object per line (env INFRAKIT_LOG_FORMAT, "
                    + "default ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--group-socket", defaultValue = GroupSocket.DEFAULT_NAME, paramLabel = "NAME|PATH",
            description = "Serve InfraKit's Group API on this socket: a name in the plugin directory or a path "
                    + "(default ${DEFAULT-VALUE}; if another replica on this host serves that name, NAME-<id>).")
    String groupSocket;

    @Option(names = "--etcd-wait", defaultValue = "2m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to keep trying etcd at start before giving up with exit 1 (default "
                    + "${DEFAULT-VALUE}): replicas often start before etcd, or on a slow machine.")
    Duration etcdWait;

    @Option(names = "--no-group-socket", description = "Do not serve the group socket.")
    boolean noGroupSocket;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What {@link #stop} runs: set once everything it stops exists. */
    private volatile Runnable stopper;
    private final AtomicBoolean stopping = new AtomicBoolean();

    @Override
    public Integer call() throws Exception {
        HttpAddress httpAddress;
        try {
            LogFormat.parse(logFormat).apply();
            httpAddress = HttpAddress.parse(http);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ControllerConfig config = controllerOptions.config();
        dashboardOptions.check();
        Duration margin = election.margin();
        policy.file(); // a policy file that cannot be used stops the operator before anything starts
        LocalPluginDirectory pluginDir = pluginOptions.trustedPluginDirectory().orElse(null);
        if (pluginDir == null) {
            return 1;
        }
        // The slow parts of a start, overlapped: the dev etcd's own start, the etcd client's libraries (gRPC, Netty,
        // Vert.x) and its first connection on a second thread; metrics and plugins on this one.
        InBackground<Opened> opening = InBackground.start("infrakit-start-etcd", this::openEtcd);
        PluginRegistry builtins = pluginOptions.builtins();
        PluginLookup plugins = pluginOptions.lookup(builtins);
        OperatorMetrics metrics = new OperatorMetrics();
        Opened opened;
        try {
            opened = opening.get();
        } catch (DevEtcd.Unavailable e) {
            System.err.println(e.getMessage());
            return 2;
        }
        EtcdServer dev = opened.dev();
        if (dev != null) {
            DevEtcdFile.write(Home.dir(), dev.clientUrl());
            printDevHint(dev);
        }
        Store store = metrics.store(opened.store());
        Admission admission = policy.admission(store, etcd, builtins);
        builtins.guardedBy(new PolicyGuard(admission.source()));
        // Specs naming "group" or this group socket's name are converged here; other names go to that plugin.
        GroupRouting routing = GroupRouting.own(java.nio.file.Path.of(groupSocket).getFileName().toString());
        Controller controller = new Controller(store, etcd.keys(), metrics.plugins(plugins), config,
                Clock.systemUTC(), metrics.reconciles(), routing, admission);
        metrics.bind(controller);
        AtomicBoolean campaigning = new AtomicBoolean();
        // One small pool for the operator's HTTP servers (--http and the group socket): their requests are few and
        // short, and the operator's footprint counts (see HttpThreads). Started here, stopped after both.
        QueuedThreadPool httpThreads = HttpThreads.pool("infrakit-http", 16);
        httpThreads.start();
        List<String> warnings = new ArrayList<>();
        ReplicaIdentity self = ReplicaIdentity.of(election.id(), null, VersionCommand.version(),
                Instant.now().toString());
        String devToken = dashboardOptions.devToken(dev != null);
        Dashboard dashboard = dashboardOptions.build(httpAddress != null, devToken, store, etcd.keys(),
                new GroupWrites(store, etcd.keys(), plugins, Clock.systemUTC()).routedBy(routing)
                        .limitedTo(controllerOptions.maxInstances()).admitting(admission), plugins, self.id());
        OperatorEndpoint endpoint = startHttp(httpAddress, metrics, store, controller, campaigning, httpThreads,
                dashboard, warnings);
        if (dashboard != null && endpoint == null) {
            dashboard.close();
        } else if (dashboard != null) {
            dashboardOptions.announce(endpoint.address(), devToken);
        }
        ReplicaIdentity identity = self.withWarnings(warnings);
        Replica replica = new Replica(store, etcd.keys().leader(), controller, identity, election.leaseTtl(),
                margin);
        metrics.bind(replica);
        CountDownLatch stopped = new CountDownLatch(1);
        EtcdServer devServer = dev;
        AtomicReference<GroupSocket> socket = new AtomicReference<>();
        // Everything stops in the shutdown hook: SIGTERM and Ctrl-C end the JVM once hooks return. The group
        // socket stops taking commits, the replica stops acting, then resigns, so a standby takes over at once.
        stopper = () -> {
            log.info("stopping");
            campaigning.set(false);
            GroupSocket s = socket.get();
            if (s != null) {
                s.close();
            }
            replica.close();
            controller.close();
            builtins.close(); // event streams, watchers, Docker clients; instances keep running
            if (dashboard != null && endpoint != null) {
                dashboard.close(); // ends the browsers' streams before the server stops
            }
            if (endpoint != null) {
                endpoint.close();
            }
            stopQuietly(httpThreads);
            metrics.close();
            store.close();
            if (devServer != null) {
                devServer.close();
                DevEtcdFile.delete(Home.dir());
            }
            stopped.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "infrakit-shutdown"));
        if (!awaitEtcd(store, opened.firstTry())) {
            System.exit(1);
        }
        if (dashboard != null && endpoint != null) {
            dashboard.watch(); // etcd answers: the first listing will not time out
        }
        if (!noGroupSocket) {
            try {
                EtcdGroupPlugin groups = new EtcdGroupPlugin(store, etcd.keys(), plugins, admission, replica::isLeader,
                        routing, controllerOptions.maxInstances());
                GroupSocket.start(pluginDir.directory(), groupSocket, identity.id(), groups, httpThreads)
                        .ifPresent(s -> {
                            socket.set(s);
                            log.info("serving InfraKit's Group API at {}", s.path());
                        });
            } catch (IOException e) {
                System.err.println("error: cannot serve the group socket: " + e.getMessage()
                        + " (use --group-socket to name another, or --no-group-socket)");
                System.exit(1);
            }
        }
        controller.start();
        // Campaigns while the caches fill: a term won before they are full starts the moment they are.
        replica.start();
        campaigning.set(true);
        while (!controller.isSynced()) {
            Thread.sleep(5);
        }
        announce(admission.policy());
        log.info("watching {} on {}; file instances in {}; plugins in {}", etcd.keys().groups(), store.endpoints(),
                pluginOptions.fileDir(), pluginDir.directory());
        WarmUp.start(builtins);
        stopped.await();
        return 0;
    }

    /** Starts the dev etcd when no --etcd is given, then opens the client and makes its first connection. */
    private Opened openEtcd() throws Exception {
        EtcdServer dev = null;
        if (!etcd.explicit()) {
            dev = DevEtcd.start(Home.dir());
            etcd.startedDevEtcd = dev.clientUrl();
        }
        try {
            Store store = Stores.openLongRunning(etcd);
            StoreException firstTry = null;
            try {
                store.list(etcd.keys().groups()); // connects: the first try of awaitEtcd
            } catch (StoreException e) {
                firstTry = e;
            }
            return new Opened(dev, store, firstTry);
        } catch (RuntimeException e) {
            if (dev != null) {
                dev.close();
            }
            throw e;
        }
    }

    /** What {@link #openEtcd} made: the dev etcd (null with --etcd), the client, how its first request failed. */
    private record Opened(EtcdServer dev, Store store, StoreException firstTry) {
    }

    /** The dev etcd's address and how to reach it with etcdctl. */
    private void printDevHint(EtcdServer dev) {
        String self = launcher();
        // One write, so a reader that sees the first line sees the hints too.
        StringBuilder hint = new StringBuilder("dev mode: started etcd at ").append(dev.clientUrl())
                .append(" (data in ").append(DevEtcd.dataDir(Home.dir()))
                .append("); only this user can reach it, with the client certificate in ")
                .append(DevCertificates.in(Home.dir()).dir()).append('\n')
                .append("  infrakit commands find it by themselves; for etcdctl:  eval \"$(").append(self)
                .append(" env)\"\n");
        if (!dev.clientUrl().endsWith(":2379")) {
            hint.append("  (2379 is taken: a bare etcdctl would talk to whatever etcd listens there)\n");
        }
        hint.append("  then:  etcdctl put ").append(etcd.keys().group("web"))
                .append(" \"$(cat docs/examples/web.json)\"");
        System.out.println(hint);
    }

    /** Says which spec policy is in force; without one (dev mode), what that means. */
    private void announce(AdmissionPolicy policy) {
        if (policy.enforcing()) {
            log.info("spec policy: {}", policy);
            return;
        }
        System.out.println("dev mode: no spec policy: every spec is acted on as written, as user '"
                + System.getProperty("user.name") + "' on this host (commands of the process plugin, privileged"
                + " containers and host mounts, any URL or Docker engine); limit it with --policy FILE or a policy at "
                + etcd.keys().policy() + " (docs/security.md)");
    }

    /**
     * Stops the replica as SIGTERM does, once; {@link #call} then returns. For a replica run inside another command
     * (the launcher's class-data training).
     */
    void stop() {
        Runnable s = stopper;
        if (s != null && stopping.compareAndSet(false, true)) {
            s.run();
        }
    }

    /**
     * Reads the groups once, retrying with backoff for up to {@code --etcd-wait}: an operator started before its etcd
     * (or on a loaded machine, where the first connection is slow) waits for it and says so, rather than exiting.
     */
    private boolean awaitEtcd(Store store, StoreException firstTry) throws InterruptedException {
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(15));
        long deadline = System.nanoTime() + etcdWait.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                if (attempt == 1 && firstTry != null) {
                    throw firstTry;
                }
                if (attempt > 1) {
                    store.list(etcd.keys().groups());
                }
                return true;
            } catch (StoreException e) {
                Duration delay = backoff.delay(attempt);
                if (System.nanoTime() + delay.toNanos() - deadline > 0) {
                    System.err.println("error: " + e.getMessage() + " (gave up after --etcd-wait " + etcdWait.toSeconds()
                            + "s)");
                    return false;
                }
                log.warn("{}; trying again in {} ms", e.getMessage(), delay.toMillis());
                Thread.sleep(delay.toMillis());
            }
        }
    }

    /** How the user ran this command ({@code ./infrakit} sets it), for lines they can paste. */
    private static String launcher() {
        String self = System.getenv("INFRAKIT_LAUNCHER");
        return self == null || self.isBlank() ? "infrakit" : EnvCommand.quote(self);
    }

    /**
     * Serves metrics and health. A port that cannot be had costs only the endpoint, never the replica: every
     * replica of a deployment has the same port, and exiting would take them all down. What it runs without goes
     * into {@code warnings} (shown by {@code infrakit leader}) and the log.
     */
    private OperatorEndpoint startHttp(HttpAddress address, OperatorMetrics metrics, Store store,
                                       Controller controller, AtomicBoolean campaigning, ThreadPool threads,
                                       Dashboard dashboard, List<String> warnings) {
        if (address == null) {
            return null;
        }
        try {
            return OperatorEndpoint.start(address, metrics, store, etcd.keys(), controller, campaigning::get,
                    b -> {
                        b.threads(threads);
                        if (dashboard != null) {
                            dashboard.mount(b, address);
                        }
                    });
        } catch (java.io.IOException e) {
            String warning = "no /metrics, /healthz or /readyz: cannot listen on " + address + " ("
                    + e.getMessage() + ")";
            warnings.add(warning);
            if (http == null) {
                log.warn("{}; choose another address with --http", warning);
            } else {
                log.error("{}; running without them (health checks on that port fail): free the port or choose "
                        + "another with --http", warning);
            }
            return null;
        }
    }

    private static void stopQuietly(QueuedThreadPool pool) {
        try {
            pool.stop();
        } catch (Exception e) {
            log.debug("stopping the HTTP threads: {}", e.toString());
        }
    }
}
