package io.infrakit.operator.cli;

import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The keys that lock the dev-mode etcd to the user who started it: a CA made on this machine, a certificate for
 * the etcd (127.0.0.1, localhost) and the one client certificate it accepts, in {@code <home>/etcd/pki} (mode 0700,
 * every file 0600). etcd asks for a client certificate signed by this CA on its client and peer ports, so only who
 * can read the directory can talk to it. The CA's key is not kept: nothing else is ever signed with it. The client
 * certificate's name is {@code root}, so it stays etcd's root user if someone turns etcd's authentication on.
 */
record DevCertificates(Path dir) {

    private static final Duration VALIDITY = Duration.ofDays(3650);
    /** Certificates this close to expiry are made anew at the next start. */
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    static DevCertificates in(Path home) {
        return new DevCertificates(home.resolve("etcd").resolve("pki"));
    }

    Path ca() {
        return dir.resolve("ca.crt");
    }

    Path serverCert() {
        return dir.resolve("server.crt");
    }

    Path serverKey() {
        return dir.resolve("server.key");
    }

    Path clientCert() {
        return dir.resolve("client.crt");
    }

    Path clientKey() {
        return dir.resolve("client.key");
    }

    /**
     * Makes the keys when any is missing or a certificate is near its end; otherwise keeps them, since an etcd that
     * runs may be using them. Either way the directory ends up 0700 and its files 0600.
     */
    DevCertificates ensure() throws IOException {
        PrivateFiles.privateDirectory(dir);
        if (!current()) {
            try {
                make();
            } catch (GeneralSecurityException | OperatorCreationException e) {
                throw new IOException("cannot make the dev etcd's certificates: " + e.getMessage(), e);
            }
        }
        for (Path f : List.of(ca(), serverCert(), serverKey(), clientCert(), clientKey())) {
            Files.setPosixFilePermissions(f, PrivateFiles.FILE);
        }
        return this;
    }

    private boolean current() {
        Date soon = Date.from(Instant.now().plus(RENEW_BEFORE));
        try {
            for (Path cert : List.of(ca(), serverCert(), clientCert())) {
                try (InputStream in = Files.newInputStream(cert)) {
                    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(in);
                    if (c.getNotAfter().before(soon)) {
                        return false;
                    }
                }
            }
            return Files.isReadable(serverKey()) && Files.isReadable(clientKey());
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    private void make() throws GeneralSecurityException, OperatorCreationException, IOException {
        KeyPair ca = keyPair();
        X500Name caName = new X500Name("CN=infrakit dev etcd CA");
        X509v3CertificateBuilder caBuilder = builder(caName, caName, ca);
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCert = sign(caBuilder, ca.getPrivate());

        KeyPair server = keyPair();
        X509v3CertificateBuilder serverBuilder = leaf(caName, "infrakit dev etcd", server);
        serverBuilder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")}));
        // The peer port takes the same certificate, in both roles.
        serverBuilder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        X509Certificate serverCert = sign(serverBuilder, ca.getPrivate());

        KeyPair client = keyPair();
        X509v3CertificateBuilder clientBuilder = leaf(caName, "root", client);
        clientBuilder.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        X509Certificate clientCert = sign(clientBuilder, ca.getPrivate());

        // Keys first: a certificate that is there means its key is there too.
        write(serverKey(), "PRIVATE KEY", server.getPrivate().getEncoded());
        write(clientKey(), "PRIVATE KEY", client.getPrivate().getEncoded());
        write(serverCert(), "CERTIFICATE", serverCert.getEncoded());
        write(clientCert(), "CERTIFICATE", clientCert.getEncoded());
        write(ca(), "CERTIFICATE", caCert.getEncoded());
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
    }

    private static X509v3CertificateBuilder leaf(X500Name issuer, String name, KeyPair keys) throws CertIOException {
        X509v3CertificateBuilder b = builder(issuer, new X500Name("CN=" + name), keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        return b;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    /** PEM, as etcd, etcdctl and jetcd read it (keys in PKCS#8), written 0600 and atomically. */
    private static void write(Path file, String type, byte[] der) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter pem = new PemWriter(text)) {
            pem.writeObject(new PemObject(type, der));
        }
        PrivateFiles.writeAtomically(file, text.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
