package io.infrakit.store.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made with the {@code openssl}
 * command. Keys are EC P-256 in PKCS#8 PEM, which both etcd and the JDK read.
 */
public record TestCertificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

    public static TestCertificates create(Path dir) {
        return create(dir, "IP:127.0.0.1,DNS:localhost");
    }

    /** With the server certificate made out to these names ({@code subjectAltName} syntax). */
    public static TestCertificates create(Path dir, String serverNames) {
        return create(dir, serverNames, "serverAuth,clientAuth");
    }

    /**
     * With the server certificate's extended key usages as given: {@code serverAuth} alone is common, and etcd's
     * HTTP gateway, which connects to etcd's gRPC server with that certificate, then fails.
     */
    public static TestCertificates create(Path dir, String serverNames, String serverUsages) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.ext"),
                    "subjectAltName=" + serverNames + "\nextendedKeyUsage=" + serverUsages + "\n");
            Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String ec = "ec_paramgen_curve:prime256v1";
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "ca.key", "-out",
                "ca.crt", "-days", "2", "-subj", "/CN=infrakit-test-ca");
        for (String who : List.of("server", "client")) {
            openssl(dir, "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", who + ".key", "-out",
                    who + ".csr", "-subj", "/CN=infrakit-test-" + who);
            openssl(dir, "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                    "-CAcreateserial", "-out", who + ".crt", "-days", "2", "-extfile", who + ".ext");
        }
        return new TestCertificates(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                dir.resolve("client.crt"), dir.resolve("client.key"));
    }

    private static void openssl(Path dir, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n"
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
