package io.infrakit.plugins.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.util.CertificateUtils;
import com.github.dockerjava.transport.SSLConfig;
import io.infrakit.plugins.access.HostGuard;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.docker.DockerClients;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Docker client per engine address and TLS settings, made on first use and kept: prepare, health checks and drains
 * all talk to the same few managers, and a client holds a connection pool.
 */
final class DockerConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DockerConnections.class);

    private final SwarmFlavorPlugin.DockerConnector connector;
    private final Map<SwarmSpec.Docker, DockerClient> clients = new ConcurrentHashMap<>();
    private volatile HostGuard guard = HostGuard.NONE;

    DockerConnections(SwarmFlavorPlugin.DockerConnector connector) {
        this.connector = connector;
    }

    /** Asked on every use of an engine, a client made before included: the policy may have changed since. */
    void guardedBy(HostGuard guard) {
        this.guard = guard;
    }

    /**
     * The client for {@code docker}; an empty host means {@code DOCKER_HOST} or the local socket.
     *
     * @throws PluginException when the TLS files cannot be read, or the guard refuses the engine
     */
    DockerClient client(SwarmSpec.Docker docker) {
        guard.check(HostRequest.of(HostRequest.Kind.DOCKER_ENGINE, docker.host(), "Docker.Host"));
        DockerClient existing = clients.get(docker);
        if (existing != null) {
            return existing;
        }
        SSLConfig ssl = docker.tls() == null ? null : sslConfig(docker.tls());
        String host = docker.host().isEmpty() ? DockerClients.defaultHost() : docker.host();
        return clients.computeIfAbsent(docker, d -> connector.connect(host, ssl));
    }

    /** The address a client for {@code docker} talks to, for messages. */
    static String describe(SwarmSpec.Docker docker) {
        return docker.host().isEmpty() ? DockerClients.defaultHost() : docker.host();
    }

    @Override
    public void close() {
        List<DockerClient> all = new ArrayList<>(clients.values());
        clients.clear();
        for (DockerClient client : all) {
            try {
                client.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing a Docker client: {}", e.toString());
            }
        }
    }

    /**
     * An SSL context from PEM files: the CA as the only trusted issuer (or any certificate with
     * {@code InsecureSkipVerify}), the certificate and key as the client's identity when both are given. With
     * {@code InsecureSkipVerify} the HTTP client still checks that the certificate names the host.
     */
    static SSLConfig sslConfig(SwarmSpec.Tls tls) {
        registerBouncyCastle();
        try {
            KeyManagerFactory keys = null;
            if (!tls.certFile().isEmpty() && !tls.keyFile().isEmpty()) {
                KeyStore keyStore = CertificateUtils.createKeyStore(read(tls.keyFile()), read(tls.certFile()));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(keyStore, "docker".toCharArray());
            }
            TrustManager[] trust = null;
            if (tls.insecureSkipVerify()) {
                trust = new TrustManager[] {new TrustAnything()};
            } else if (!tls.caFile().isEmpty()) {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(CertificateUtils.createTrustStore(read(tls.caFile())));
                trust = factory.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust, null);
            return () -> context;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new PluginException("Docker.TLS: cannot use the certificates (" + e.getMessage() + ")", e);
        }
    }

    /** docker-java's PEM readers ask for the "BC" provider by name. */
    private static synchronized void registerBouncyCastle() {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    }

    /** For {@code InsecureSkipVerify}: the engine's certificate is not checked against any issuer. */
    private static final class TrustAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
