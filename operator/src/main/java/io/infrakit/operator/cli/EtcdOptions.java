package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.store.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Where etcd is, which prefix to use, and how to prove who we are: TLS client certificates and etcd users. Shared
 * by every command. The password is read from a file or the environment, never from the command line.
 */
public final class EtcdOptions {

    /** Environment variable holding the etcd password, when no password file is given. */
    public static final String PASSWORD_ENV = "INFRAKIT_ETCD_PASSWORD";

    @Option(names = "--etcd", paramLabel = "URLS", defaultValue = "${env:INFRAKIT_ETCD}",
            description = "etcd endpoints, comma-separated (env INFRAKIT_ETCD). "
                    + "Default: the dev-mode etcd of 'infrakit up' if it runs, else http://127.0.0.1:2379.")
    String etcd;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "${env:INFRAKIT_PREFIX:-/infrakit}",
            description = "Key prefix (env INFRAKIT_PREFIX, default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--etcd-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Deadline of each etcd request (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--etcd-cacert", paramLabel = "FILE", defaultValue = "${env:INFRAKIT_ETCD_CACERT}",
            description = "PEM CA bundle that signed etcd's server certificates; turns on TLS "
                    + "(env INFRAKIT_ETCD_CACERT).")
    Path caCert;

    @Option(names = "--etcd-cert", paramLabel = "FILE", defaultValue = "${env:INFRAKIT_ETCD_CERT}",
            description = "PEM client certificate, for etcd's --client-cert-auth (env INFRAKIT_ETCD_CERT).")
    Path cert;

    @Option(names = "--etcd-key", paramLabel = "FILE", defaultValue = "${env:INFRAKIT_ETCD_KEY}",
            description = "The client certificate's key, PKCS#8 PEM (env INFRAKIT_ETCD_KEY).")
    Path key;

    @Option(names = "--etcd-user", paramLabel = "USER", defaultValue = "${env:INFRAKIT_ETCD_USER}",
            description = "etcd user (env INFRAKIT_ETCD_USER); the password comes from --etcd-password-file "
                    + "or env " + PASSWORD_ENV + ".")
    String user;

    @Option(names = "--etcd-password-file", paramLabel = "FILE",
            defaultValue = "${env:INFRAKIT_ETCD_PASSWORD_FILE}",
            description = "File holding the etcd user's password (env INFRAKIT_ETCD_PASSWORD_FILE).")
    Path passwordFile;

    @Option(names = "--allow-plaintext", defaultValue = "${env:INFRAKIT_ALLOW_PLAINTEXT:-false}",
            description = "Send the etcd password over plain http:// to another host (env INFRAKIT_ALLOW_PLAINTEXT); "
                    + "without it that is refused. Loopback never leaves the host and needs no flag.")
    boolean allowPlaintext;

    /** Where the password comes from when there is no file (tests replace it). */
    Function<String, String> environment = System::getenv;

    public Keys keys() {
        return new Keys(prefix);
    }

    /** Whether the user named an etcd (flag or environment), as opposed to the local default. */
    public boolean explicit() {
        return etcd != null && !etcd.isBlank();
    }

    /** The dev-mode etcd that this process started ({@code up}); others find it through {@link DevEtcdFile}. */
    String startedDevEtcd;

    /** The running dev-mode etcd's endpoint, when no etcd was named. */
    Optional<String> devEndpoint() {
        if (explicit()) {
            return Optional.empty();
        }
        return startedDevEtcd != null ? Optional.of(startedDevEtcd) : DevEtcdFile.read(Home.dir());
    }

    /** The endpoints to use: given ones, else the running dev-mode etcd, else the standard local port. */
    public List<String> endpoints() {
        if (explicit()) {
            List<String> given = Arrays.stream(etcd.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            for (String endpoint : given) {
                if (endpoint.indexOf('@') >= 0) {
                    throw new IllegalArgumentException("--etcd " + StoreConfig.redact(endpoint) + ": a user and "
                            + "password do not go in the URL, where ps, logs and error messages show them; use "
                            + "--etcd-user USER with --etcd-password-file FILE");
                }
            }
            return given;
        }
        return List.of(devEndpoint().orElse("http://127.0.0.1:2379"));
    }

    /**
     * The client settings.
     *
     * @throws IllegalArgumentException when the security options do not fit together or a file cannot be read
     */
    public StoreConfig storeConfig() {
        Path ca = caCert;
        Path clientCert = cert;
        Path clientKey = key;
        Optional<String> dev = devEndpoint();
        if (dev.isPresent() && dev.get().startsWith("https://")) {
            // The dev etcd takes only its own client certificate: found here, so no command needs a flag for it.
            DevCertificates certs = DevCertificates.in(Home.dir());
            for (Path f : List.of(certs.ca(), certs.clientCert(), certs.clientKey())) {
                if (!Files.isReadable(f)) {
                    throw new IllegalArgumentException("cannot read " + f + ": the dev-mode etcd takes only the "
                            + "client certificate of the user who started it");
                }
            }
            ca = certs.ca();
            clientCert = certs.clientCert();
            clientKey = certs.clientKey();
        }
        if ((clientCert == null) != (clientKey == null)) {
            throw new IllegalArgumentException("--etcd-cert and --etcd-key go together");
        }
        readable(ca, "--etcd-cacert");
        readable(clientCert, "--etcd-cert");
        readable(clientKey, "--etcd-key");
        String password = password();
        boolean hasUser = user != null && !user.isBlank();
        if (hasUser && password == null) {
            throw new IllegalArgumentException("--etcd-user " + user + " needs a password: --etcd-password-file "
                    + "FILE or env " + PASSWORD_ENV);
        }
        if (!hasUser && password != null) {
            throw new IllegalArgumentException("an etcd password was given (" + (passwordFile != null
                    ? "--etcd-password-file" : PASSWORD_ENV) + ") without --etcd-user");
        }
        StoreConfig config = StoreConfig.builder().endpoints(endpoints().toArray(String[]::new))
                .requestTimeout(timeout).caCert(ca).clientCert(clientCert, clientKey)
                .credentials(hasUser ? user : null, hasUser ? password : null).build();
        if (hasUser && !config.tls() && !allowPlaintext) {
            config.endpoints().stream().filter(e -> !StoreConfig.isLoopback(e)).findFirst().ifPresent(e -> {
                throw new IllegalArgumentException("the etcd password would cross the network in plaintext to " + e
                        + ": use https:// (with --etcd-cacert), or accept it with --allow-plaintext");
            });
        }
        return config;
    }

    private String password() {
        if (passwordFile != null) {
            readable(passwordFile, "--etcd-password-file");
            String p;
            try {
                p = Files.readString(passwordFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --etcd-password-file " + passwordFile + ": "
                        + e.getMessage(), e);
            }
            // Files written by editors and 'echo' end with a newline that is not part of the password.
            p = p.replaceAll("[\r\n]+$", "");
            if (p.isEmpty()) {
                throw new IllegalArgumentException("--etcd-password-file " + passwordFile + " is empty");
            }
            return p;
        }
        String p = environment.apply(PASSWORD_ENV);
        return p == null || p.isEmpty() ? null : p;
    }

    private static void readable(Path file, String option) {
        if (file != null && !Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + option + " " + file
                    + (Files.exists(file) ? ": permission denied" : ": no such file"));
        }
    }
}
