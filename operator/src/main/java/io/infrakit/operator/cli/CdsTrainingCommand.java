package io.infrakit.operator.cli;

import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.LocalPorts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code infrakit __cds-training}: runs the client commands people run most (against a throwaway etcd speaking TLS
 * with a client certificate, as the dev-mode etcd does) so that the JVM, started with
 * {@code -XX:DumpLoadedClassList} (JDK 17) or {@code -XX:AOTCacheOutput} (JDK 25 and later), archives the classes they
 * load. The {@code ./infrakit} launcher does this once per build; later commands map the archive instead of loading
 * and verifying those classes one by one.
 */
@Command(name = "__cds-training", hidden = true, description = "Run typical client commands once (for the "
        + "class-data sharing archive of the launcher).")
final class CdsTrainingCommand implements Callable<Integer> {

    /**
     * What the run exercises. One archive per kind of command (client commands, the operator) keeps a client
     * command's start from paying for the operator's classes where the JVM loads every archived class at start
     * (JDK 25's ahead-of-time cache).
     */
    enum Part { ALL, CLIENT, OPERATOR }

    @CommandLine.Option(names = "--part", defaultValue = "all", description = "all (default), client (the client "
            + "commands only) or operator (a replica converging a small group).")
    String part;

    @SuppressWarnings("try") // resources held open for the block, not used by name
    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("infrakit-cds-");
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            DevCertificates certs = DevCertificates.in(dir).ensure();
            List<String> etcd = new ArrayList<>(List.of("--etcd", "https://127.0.0.1:1", "--etcd-timeout", "1s"));
            EtcdServer server = null;
            Path binary = Path.of("/usr/bin/etcd");
            if (Files.isExecutable(binary)) {
                int[] ports = LocalPorts.free(2);
                server = EtcdServer.builder("cds-training", dir.resolve("data")).binary(binary).fastTimings(true)
                        .tls(new EtcdServer.Tls(certs.serverCert(), certs.serverKey(), certs.ca()))
                        .ports(ports[0], ports[1]).startTimeout(Duration.ofSeconds(30)).build();
                server.start();
                etcd.set(1, server.clientUrl());
                etcd.set(3, "5s");
            }
            etcd.addAll(List.of("--etcd-cacert", certs.ca().toString(), "--etcd-cert", certs.clientCert().toString(),
                    "--etcd-key", certs.clientKey().toString(), "--prefix", "/cds-training"));
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
            System.setOut(nowhere);
            System.setErr(nowhere);
            Part which = Part.valueOf(part.toUpperCase(Locale.ROOT));
            try (EtcdServer running = server) {
                if (which != Part.OPERATOR) {
                    run(etcd, "group", "ls");
                    run(etcd, "group", "ls", "-o", "json");
                    run(etcd, "group", "describe", "web");
                    run(etcd, "group", "get", "web");
                    run(etcd, "events");
                    run(etcd, "leader");
                    run(List.of(), "group", "ls", "--help");
                }
                if (running != null && which != Part.CLIENT) {
                    replica(etcd, dir);
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            delete(dir);
        }
        return 0;
    }

    /**
     * An operator replica from start until a committed group's 3 file instances exist, then a scale-down and a
     * resync: the classes of 'up' (the watch, the election, the reconciler, the file plugin, the HTTP endpoint and
     * the group socket) go into the archive as well, for a quick start and a quick first reconcile.
     */
    private static void replica(List<String> etcd, Path dir) throws Exception {
        Path files = dir.resolve("files");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path spec = dir.resolve("web.json");
        CommandLine cli = Main.commandLine();
        CommandLine upLine = cli.getSubcommands().get("up");
        UpCommand up = upLine.getCommand();
        List<String> args = new ArrayList<>(List.of("up", "--file-dir", files.toString(), "--plugins-dir",
                plugins.toString(), "--http", "127.0.0.1:" + LocalPorts.free(1)[0], "--resync", "1s",
                "--lease-ttl", "2s", "--id", "cds-training"));
        args.addAll(etcd);
        Thread replica = new Thread(() -> cli.execute(args.toArray(String[]::new)), "cds-training-up");
        replica.setDaemon(true);
        replica.start();
        try {
            for (int size : new int[] {3, 1}) {
                Files.writeString(spec, WEB.replace("SIZE", Integer.toString(size)));
                run(etcd, "group", "commit", spec.toString());
                awaitFiles(files, size);
            }
            Thread.sleep(1_500); // a resync finds nothing to do
            run(etcd, "group", "describe", "web");
        } finally {
            up.stop();
            replica.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static final String WEB = "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":SIZE},"
            + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"training\"}},"
            + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hi\"],"
            + "\"Tags\":{\"tier\":\"web\"}}}}}";

    private static void awaitFiles(Path files, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(files)) {
                try (Stream<Path> list = Files.list(files)) {
                    if (list.filter(f -> !f.getFileName().toString().startsWith(".")).count() == n) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
    }

    private static void run(List<String> etcd, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(etcd);
        String[] line = all.toArray(String[]::new);
        Main.commandLine(line).execute(line);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
