package io.infrakit.store.etcd;

import io.infrakit.store.StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS settings of a {@link StoreConfig} in the JDK's terms: the CA bundle as a trust manager (the JVM's own CAs
 * when none is given), the PEM client certificate and its PKCS#8 key as a key manager. Every client reads them here:
 * the endpoint probe, {@link EtcdHttpStore}, and {@link EtcdStore}, whose Netty is handed the managers.
 */
final class TlsFiles {

    private final StoreConfig config;

    TlsFiles(StoreConfig config) {
        this.config = config;
    }

    /** A client context that trusts the configured CA and presents the client certificate, if any. */
    SSLContext context() throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers(), new TrustManager[] {trustManager()}, null);
        return context;
    }

    X509ExtendedTrustManager trustManager() throws GeneralSecurityException, IOException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (config.caCert() == null) {
            factory.init((KeyStore) null);
        } else {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates(config.caCert())) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            factory.init(store);
        }
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /**
     * Null without a client certificate. The one key and its chain, handed over as they are: putting them in a
     * PKCS#12 key store first would encrypt the key (10,000 rounds of PBKDF2), a noticeable part of a command's
     * start.
     */
    KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
        if (config.clientCert() == null) {
            return null;
        }
        X509Certificate[] chain = certificates(config.clientCert()).stream().map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new);
        return new KeyManager[] {new ClientKeyManager(privateKey(config.clientKey()), chain)};
    }

    private static Collection<? extends Certificate> certificates(Path pem) throws GeneralSecurityException,
            IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    /** A PKCS#8 PEM key, as jetcd takes it. */
    private static PrivateKey privateKey(Path pem) throws GeneralSecurityException, IOException {
        String base64 = Files.readString(pem, StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
