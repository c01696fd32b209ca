package io.infrakit.plugins.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.core.util.CertificateUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings made from PEM files (as {@code docker-machine} and {@code dockerd --tlsverify} use them) work. */
class SwarmTlsTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        String ec = "ec";
        List<String> curve = List.of("-pkeyopt", "ec_paramgen_curve:prime256v1");
        openssl(join(List.of("req", "-x509", "-newkey", ec), curve, List.of("-nodes", "-keyout", "ca-key.pem", "-out",
                "ca.pem", "-days", "1", "-subj", "/CN=swarm-ca")));
        openssl(join(List.of("req", "-x509", "-newkey", ec), curve, List.of("-nodes", "-keyout", "other-key.pem",
                "-out", "other-ca.pem", "-days", "1", "-subj", "/CN=other-ca")));
        // The server's key is EC; the client's is RSA, also kept in the older PKCS#1 form that Docker's tools wrote.
        openssl(join(List.of("req", "-newkey", ec), curve, List.of("-nodes", "-keyout", "server-key.pem", "-out",
                "server.csr", "-subj", "/CN=server")));
        openssl(List.of("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client-key.pem", "-out", "client.csr",
                "-subj", "/CN=client"));
        for (String who : List.of("server", "client")) {
            openssl(List.of("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                    "-CAcreateserial", "-out", who + ".pem", "-days", "1"));
        }
        openssl(List.of("rsa", "-in", "client-key.pem", "-traditional", "-out", "client-rsa-key.pem"));
    }

    @SafeVarargs
    private static List<String> join(List<String>... parts) {
        List<String> all = new java.util.ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    @Test
    void theClientTrustsTheCaAndShowsItsCertificate() throws Exception {
        SwarmSpec.Tls tls = new SwarmSpec.Tls(file("ca.pem"), file("client.pem"), file("client-rsa-key.pem"), false);

        assertThat(handshake(DockerConnections.sslConfig(tls).getSSLContext())).isEqualTo("CN=client");
    }

    @Test
    void anEngineSignedByAnotherCaIsRefusedUnlessVerificationIsSkipped() throws Exception {
        SwarmSpec.Tls other = new SwarmSpec.Tls(file("other-ca.pem"), file("client.pem"), file("client-key.pem"), false);
        assertThatThrownBy(() -> handshake(DockerConnections.sslConfig(other).getSSLContext()))
                .isInstanceOf(SSLException.class);

        SwarmSpec.Tls skip = new SwarmSpec.Tls(file("other-ca.pem"), file("client.pem"), file("client-key.pem"), true);
        assertThat(handshake(DockerConnections.sslConfig(skip).getSSLContext())).isEqualTo("CN=client");
    }

    /** Handshakes with a server that requires a client certificate from the swarm CA; returns the client's name. */
    private static String handshake(SSLContext client) throws Exception {
        KeyStore serverKeys = CertificateUtils.createKeyStore(Files.readString(dir.resolve("server-key.pem")),
                Files.readString(dir.resolve("server.pem")));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(serverKeys, "docker".toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(CertificateUtils.createTrustStore(Files.readString(dir.resolve("ca.pem"))));
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0)) {
            listener.setNeedClientAuth(true);
            CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    String name = s.getSession().getPeerPrincipal().getName();
                    s.getOutputStream().write(1);
                    return name;
                } catch (IOException e) {
                    return "server: " + e;
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                s.startHandshake();
                assertThat(s.getInputStream().read()).isEqualTo(1);
            }
            return peer.get(10, TimeUnit.SECONDS);
        }
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    private static void openssl(List<String> args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("no openssl: " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
