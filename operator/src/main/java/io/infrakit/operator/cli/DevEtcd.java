package io.infrakit.operator.cli;

import io.infrakit.plugins.state.PrivateFiles;
import io.infrakit.store.StoreException;
import io.infrakit.store.etcd.EtcdServer;
import io.infrakit.store.etcd.LocalPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Dev mode's private etcd: the {@code etcd} on PATH, else one unpacked from Debian's {@code etcd-server} package
 * under {@code <home>/etcd-dist} (fetched without root on Debian and Ubuntu), with data in {@code <home>/etcd}.
 * It is reachable only by the user who started it: it speaks TLS and takes only the client certificate in
 * {@code <home>/etcd/pki} ({@link DevCertificates}), on its client and its peer port, and {@code <home>/etcd} is
 * 0700. Without that, every local user could write specs, and a spec runs commands as this user.
 */
final class DevEtcd {

    /** No etcd can be had here; the message says how to get one. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private static final int STANDARD_PORT = 2379;

    private DevEtcd() {
    }

    static Path dataDir(Path home) {
        return home.resolve("etcd").resolve("data");
    }

    /** Starts etcd, on the standard client port when it is free (so plain etcdctl works), else on a free one. */
    static EtcdServer start(Path home) throws Unavailable {
        DevCertificates certs;
        try {
            PrivateFiles.createDirectories(home);
            PrivateFiles.privateDirectory(home.resolve("etcd"));
            certs = DevCertificates.in(home).ensure();
        } catch (IOException e) {
            throw new Unavailable("dev mode: cannot prepare " + home.resolve("etcd") + ": " + e.getMessage());
        }
        Path binary = binary(home);
        int[] ports = LocalPorts.free(2);
        int client = LocalPorts.isFree(STANDARD_PORT) ? STANDARD_PORT : ports[0];
        EtcdServer server = EtcdServer.builder("infrakit-dev", dataDir(home)).binary(binary)
                .tls(new EtcdServer.Tls(certs.serverCert(), certs.serverKey(), certs.ca())).peerTls(true)
                .ports(client, ports[1]).startTimeout(Duration.ofSeconds(30)).detached(true).build();
        try {
            server.start();
        } catch (StoreException e) {
            server.close();
            throw new Unavailable("dev mode: etcd did not start: " + e.getMessage() + "\n" + server.logTail(20));
        }
        return server;
    }

    static Path binary(Path home) throws Unavailable {
        try {
            return EtcdServer.findBinary();
        } catch (StoreException notOnPath) {
            // Fall through to a private copy.
        }
        Path unpacked = home.resolve("etcd-dist").resolve("usr").resolve("bin").resolve("etcd");
        if (Files.isExecutable(unpacked)) {
            return unpacked;
        }
        if (!isDebianLike()) {
            throw new Unavailable("""
                    dev mode needs an etcd binary and none is on PATH.
                    Install etcd 3.4 or later (https://etcd.io/docs/latest/install/, or your package manager:
                    'apt-get install etcd-server', 'brew install etcd', 'dnf install etcd'), or point the operator
                    at a running cluster with --etcd URLS (or INFRAKIT_ETCD).""");
        }
        fetchDebianPackage(home);
        if (!Files.isExecutable(unpacked)) {
            throw new Unavailable("dev mode: Debian's etcd-server package did not contain " + unpacked);
        }
        return unpacked;
    }

    /** {@code apt-get download etcd-server} then {@code dpkg-deb -x} into {@code <home>/etcd-dist}: no root needed. */
    private static void fetchDebianPackage(Path home) throws Unavailable {
        Path dist = home.resolve("etcd-dist");
        System.err.println("dev mode: no etcd on PATH; fetching Debian's etcd-server package into " + dist);
        try {
            Path work = Files.createDirectories(home.resolve("etcd-download"));
            run(work, "apt-get", "download", "etcd-server");
            Path deb;
            try (Stream<Path> files = Files.list(work)) {
                deb = files.filter(p -> p.getFileName().toString().startsWith("etcd-server")
                        && p.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new Unavailable("apt-get download etcd-server produced no .deb"));
            }
            Files.createDirectories(dist);
            run(work, "dpkg-deb", "-x", deb.toString(), dist.toString());
        } catch (IOException e) {
            throw new Unavailable("dev mode: could not fetch etcd-server: " + e.getMessage()
                    + "\nInstall it with 'sudo apt-get install etcd-server', or use --etcd URLS.");
        }
    }

    private static void run(Path dir, String... command) throws IOException, Unavailable {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new Unavailable("dev mode: '" + String.join(" ", command) + "' failed:\n" + output.strip()
                        + "\nInstall etcd with 'sudo apt-get install etcd-server' (after 'apt-get update'), "
                        + "or use --etcd URLS.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }

    private static boolean isDebianLike() {
        try {
            String release = Files.readString(Path.of("/etc/os-release"));
            return release.lines().anyMatch(l -> (l.startsWith("ID=") || l.startsWith("ID_LIKE="))
                    && (l.contains("debian") || l.contains("ubuntu")));
        } catch (IOException e) {
            return false;
        }
    }
}
