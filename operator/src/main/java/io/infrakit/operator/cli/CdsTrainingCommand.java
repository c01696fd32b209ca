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
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code infrakit __cds-training}: runs the client commands people run most (against a throwaway etcd speaking TLS
 * with a client certificate, as the dev-mode etcd does) so that the JVM, started with
 * {@code -XX:ArchiveClassesAtExit}, archives the classes they load. The {@code ./infrakit} launcher does this once
 * per build; later commands map the archive instead of loading and verifying those classes one by one.
 */
@Command(name = "__cds-training", hidden = true, description = "Run typical client commands once (for the "
        + "class-data sharing archive of the launcher).")
final class CdsTrainingCommand implements Callable<Integer> {

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
            try (EtcdServer running = server) {
                run(etcd, "group", "ls");
                run(etcd, "group", "ls", "-o", "json");
                run(etcd, "group", "describe", "web");
                run(etcd, "group", "get", "web");
                run(etcd, "events");
                run(etcd, "leader");
                run(List.of(), "group", "ls", "--help");
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            delete(dir);
        }
        return 0;
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
