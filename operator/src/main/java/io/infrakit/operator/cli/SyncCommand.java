package io.infrakit.operator.cli;

import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.PolicyGuard;
import io.infrakit.operator.sync.DirectorySource;
import io.infrakit.operator.sync.GitSource;
import io.infrakit.operator.sync.PushFilter;
import io.infrakit.operator.sync.SourceLimits;
import io.infrakit.operator.sync.SyncException;
import io.infrakit.operator.sync.SyncOptions;
import io.infrakit.operator.sync.SyncReport;
import io.infrakit.operator.sync.SyncResult;
import io.infrakit.operator.sync.SyncSource;
import io.infrakit.operator.sync.SyncWatcher;
import io.infrakit.operator.sync.SyncWebhook;
import io.infrakit.operator.sync.Syncer;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.json.Json;
import io.infrakit.store.Store;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code infrakit sync}: make etcd follow the specs of a git repository or a directory. See docs/gitops.md. */
@Command(name = "sync", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Make etcd follow the group specs (*.json, *.yaml, *.yml) of a git repository or directory.",
                "Every spec is validated before anything is written; changed specs are written in guarded etcd "
                        + "transactions, annotated with their repository, commit and path."},
        subcommands = {SyncStatusCommand.class, SyncForgetCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:in sync, or the changes were applied",
                "1:failed: bad source or spec, a conflict, etcd unreachable (nothing applied)",
                "2:usage error",
                "3:--dry-run: etcd differs from the source (changes, drift or orphans)"})
final class SyncCommand implements Callable<Integer> {

    static final int OUT_OF_SYNC = 3;

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;
    @Mixin
    PluginOptions pluginOptions;
    @Mixin
    PolicyOptions policy;
    @Spec
    CommandSpec spec;

    @Option(names = "--git", paramLabel = "URL|PATH",
            description = "A git repository: https://, http://, git:// or file:// URL, or a local path.")
    String git;

    @Option(names = "--dir", paramLabel = "DIR", description = "A local directory instead of a git repository.")
    Path dir;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit (default: the repository's HEAD).")
    String ref;

    @Option(names = "--path", paramLabel = "SUBDIR", description = "Read only this sub-directory of the repository.")
    String path;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The source's name: owner of the keys it writes, record at <prefix>/sync/NAME "
                    + "(default: from the repository or directory name and --path).")
    String name;

    @Option(names = "--dry-run", description = "Show what would change, group by group, and write nothing.")
    boolean dryRun;

    @Option(names = "--prune", description = "Delete keys this source wrote whose file is gone: this DESTROYS "
            + "those groups' instances. Keys it did not write are never touched.")
    boolean prune;

    @Option(names = "--allow-empty", description = "Let --prune delete everything when the source has no specs.")
    boolean allowEmpty;

    @Option(names = "--watch", description = "Keep following the source: sync every --interval or on a webhook call.")
    boolean watch;

    @Option(names = "--interval", defaultValue = "1m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "With --watch: how often to read the source (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--self-heal", description = "With --watch: revert keys changed by hand (drift). Without it, "
            + "drift is reported and left until the source changes that group.")
    boolean selfHeal;

    @Option(names = "--webhook-listen", paramLabel = "HOST:PORT",
            description = "With --watch: serve POST " + SyncWebhook.PATH + " here to trigger a sync.")
    String webhookListen;

    @Option(names = "--webhook-secret-file", paramLabel = "FILE",
            description = "Shared secret of the webhook (else env INFRAKIT_SYNC_WEBHOOK_SECRET).")
    Path webhookSecretFile;

    @Option(names = "--no-plugin-check", description = "Check specs' structure and the policy only; do not ask the "
            + "plugins.")
    boolean noPluginCheck;

    @Option(names = "--max-file-size", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Refuse spec files larger than this (default ${DEFAULT-VALUE}).")
    long maxFileSize;

    @Option(names = "--max-txn-ops", defaultValue = "128", paramLabel = "N",
            description = "Operations per etcd transaction, as etcd's --max-txn-ops (default ${DEFAULT-VALUE}). "
                    + "A sync larger than one transaction is split, and is then not all or nothing.")
    int maxTxnOps;

    @Option(names = "--git-cache", paramLabel = "DIR",
            description = "Where remote repositories are mirrored (default <home>/sync-cache).")
    Path gitCache;

    @Option(names = "--git-timeout", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Deadline of a git fetch (default ${DEFAULT-VALUE}).")
    Duration gitTimeout;

    @Override
    public Integer call() throws Exception {
        checkUsage();
        String hookSecret = webhookListen != null ? secret() : null; // before anything runs: a bad one stops here
        SyncOptions options;
        SyncSource source;
        try {
            options = SyncOptions.of(name != null ? name : SyncOptions.defaultName(git != null ? git
                            : dir.toAbsolutePath().normalize().toString(), path))
                    .withPrune(prune).withAllowEmpty(allowEmpty).withMaxTxnOps(maxTxnOps)
                    .withRevertDrift(!watch || selfHeal)
                    .withRecordRefresh(watch ? Duration.ofMinutes(10) : Duration.ZERO);
            source = source();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (SyncException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        try (source; Store store = watch ? Stores.openLongRunning(etcd) : Stores.open(etcd); PluginRegistry builtins = pluginOptions.builtins()) {
            Admission admission = policy.admission(store, etcd, builtins);
            builtins.guardedBy(new PolicyGuard(admission.source()));
            Syncer syncer = new Syncer(store, etcd.keys(), source, options,
                    noPluginCheck ? null : pluginOptions.lookup(builtins), admission, Clock.systemUTC());
            return watch ? follow(syncer, hookSecret) : once(syncer);
        }
    }

    private void checkUsage() {
        if ((git == null) == (dir == null)) {
            throw new ParameterException(spec.commandLine(), "give one source: --git URL|PATH or --dir DIR");
        }
        if (dir != null && (ref != null || path != null)) {
            throw new ParameterException(spec.commandLine(), "--ref and --path go with --git");
        }
        if (!watch && (selfHeal || webhookListen != null || webhookSecretFile != null)) {
            throw new ParameterException(spec.commandLine(), "--self-heal and --webhook-* go with --watch");
        }
        if (watch && dryRun) {
            throw new ParameterException(spec.commandLine(), "--dry-run and --watch do not go together");
        }
        if (interval.isZero() || interval.isNegative() || maxFileSize < 1 || maxTxnOps < 3) {
            throw new ParameterException(spec.commandLine(),
                    "--interval and --max-file-size must be positive, --max-txn-ops at least 3");
        }
    }

    private SyncSource source() throws SyncException {
        SourceLimits limits = new SourceLimits(maxFileSize, Math.max(maxFileSize, SourceLimits.DEFAULT_MAX_TOTAL_BYTES));
        if (dir != null) {
            return new DirectorySource(dir, limits);
        }
        String user = System.getenv("INFRAKIT_GIT_USERNAME");
        String password = System.getenv("INFRAKIT_GIT_PASSWORD");
        Path cache = (gitCache != null ? gitCache : Home.dir().resolve("sync-cache")).resolve(cacheName(git));
        return GitSource.builder(git).ref(ref).path(path).cacheDir(cache).timeout(gitTimeout).limits(limits)
                .credentials(password == null ? null
                        : new UsernamePasswordCredentialsProvider(user == null ? "git" : user, password))
                .build();
    }

    private int once(Syncer syncer) {
        SyncResult result = syncer.sync(dryRun);
        print(result, false);
        if (result.failed()) {
            return 1;
        }
        return dryRun && result.status() == SyncResult.Status.OUT_OF_SYNC ? OUT_OF_SYNC : 0;
    }

    private int follow(Syncer syncer, String hookSecret) throws IOException, InterruptedException {
        String[] lastPrinted = {null};
        SyncWatcher watcher = new SyncWatcher(syncer, interval, r -> {
            // Print what is new; a quiet minute prints nothing.
            String text = SyncReport.text(r);
            if (r.status() == SyncResult.Status.APPLIED || !text.equals(lastPrinted[0])) {
                lastPrinted[0] = text;
                print(r, true);
            }
        });
        SyncWebhook webhook = null;
        if (webhookListen != null) {
            webhook = SyncWebhook.start(address(webhookListen), hookSecret,
                    git != null ? PushFilter.forGit(git, ref) : PushFilter.ANY, watcher::trigger);
            System.err.println("webhook: POST http://" + webhook.address().getHostString() + ":"
                    + webhook.address().getPort() + SyncWebhook.PATH);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        SyncWebhook hook = webhook;
        Thread shutdown = new Thread(() -> {
            if (hook != null) {
                hook.close();
            }
            watcher.close();
            stopped.countDown();
        }, "infrakit-sync-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        watcher.start();
        stopped.await();
        return 0;
    }

    private synchronized void print(SyncResult result, boolean oneLine) {
        if (output.json()) {
            System.out.println(oneLine ? Json.write(SyncReport.of(result)) : OutputOptions.toJson(SyncReport.of(result)));
        } else {
            System.out.print(SyncReport.text(result));
        }
        System.out.flush();
    }

    /** The webhook's secret, or null for none; a secret given but empty is refused, never taken as "no secret". */
    private String secret() throws IOException {
        if (webhookSecretFile != null) {
            String s = Files.readString(webhookSecretFile, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--webhook-secret-file " + webhookSecretFile
                        + " is empty: refusing to serve the webhook without authentication");
            }
            return s;
        }
        String env = System.getenv("INFRAKIT_SYNC_WEBHOOK_SECRET");
        if (env != null && env.isBlank()) {
            throw new ParameterException(spec.commandLine(), "INFRAKIT_SYNC_WEBHOOK_SECRET is set but empty: refusing"
                    + " to serve the webhook without authentication");
        }
        return env == null ? null : env.strip();
    }

    private InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            String host = colon <= 0 ? "127.0.0.1" : hostPort.substring(0, colon);
            return new InetSocketAddress(host.replace("[", "").replace("]", ""), port);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--webhook-listen wants HOST:PORT, got " + hostPort);
        }
    }

    /** One mirror per URL: a readable name plus a hash, so two URLs never share one. */
    static String cacheName(String url) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(url.strip().getBytes(StandardCharsets.UTF_8));
            return SyncOptions.defaultName(url, null) + "-" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
