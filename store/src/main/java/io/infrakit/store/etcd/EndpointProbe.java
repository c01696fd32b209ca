package io.infrakit.store.etcd;

import io.infrakit.store.StoreConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Why requests to etcd time out when the reason is on the wire. gRPC retries a failing connection quietly and a
 * request only says it did not finish in time; this connects to each endpoint itself, with the store's own TLS
 * settings, and says in words what failed: nothing listening, a certificate signed by an unknown CA or made out to
 * another name, a client certificate refused, TLS spoken to a plaintext etcd or plaintext to a TLS one.
 */
final class EndpointProbe {

    private static final int CONNECT_MILLIS = 2000;
    private static final int READ_MILLIS = 3000; // generous: a loaded machine answers a handshake late, and a late probe says nothing
    /** A diagnosis is kept this long: a replica that retries during an outage probes once, not per request. */
    private static final long KEEP_NANOS = Duration.ofSeconds(10).toNanos();

    private final StoreConfig config;
    private String last;
    private long lastAt;

    EndpointProbe(StoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** What is wrong with the endpoints, or null when each answers as configured (the cause is elsewhere). */
    synchronized String diagnose() {
        long now = System.nanoTime();
        if (lastAt != 0 && now - lastAt < KEEP_NANOS) {
            return last;
        }
        List<String> problems = new ArrayList<>();
        for (String endpoint : config.endpoints()) {
            String problem = diagnose(endpoint);
            if (problem != null) {
                problems.add(problem);
            }
        }
        last = problems.isEmpty() ? null : String.join("; ", problems);
        lastAt = System.nanoTime();
        return last;
    }

    private String diagnose(String endpoint) {
        URI uri = URI.create(endpoint);
        String where = uri.getHost() + ":" + uri.getPort();
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), CONNECT_MILLIS);
            socket.setSoTimeout(READ_MILLIS);
            return config.tls() ? handshake(socket, uri, where) : plaintext(socket, where);
        } catch (ConnectException e) {
            return "nothing listens on " + where + " (" + e.getMessage() + ")";
        } catch (SocketTimeoutException e) {
            return "no answer from " + where + " within " + CONNECT_MILLIS + " ms";
        } catch (IOException e) {
            return null; // not a failure this probe understands
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a probe
            }
        }
    }

    /** Plain HTTP/1.1 to an endpoint configured without TLS: a TLS server says so, or drops it. */
    private static String plaintext(Socket socket, String where) throws IOException {
        socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: " + where + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] answer;
        try {
            answer = socket.getInputStream().readNBytes(256);
        } catch (SocketTimeoutException e) {
            return null;
        }
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        boolean tlsRecord = answer.length > 0 && (answer[0] == 0x15 || answer[0] == 0x16);
        if (tlsRecord || text.contains("HTTPS") || answer.length == 0) {
            return where + " " + (answer.length == 0 ? "closed a plaintext request unanswered" : "answered in TLS")
                    + ": it speaks TLS, so use https:// with the CA that signed its certificate";
        }
        return null;
    }

    private String handshake(Socket plain, URI uri, String where) throws IOException {
        Recording trust;
        SSLContext context;
        try {
            TlsFiles files = new TlsFiles(config);
            trust = new Recording(files.trustManager());
            context = SSLContext.getInstance("TLS");
            context.init(files.keyManagers(), new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException | IOException e) {
            return "cannot use the TLS files (" + e.getMessage() + ")";
        }
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, uri.getHost(), uri.getPort(),
                true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // as gRPC checks the name
        socket.setSSLParameters(parameters);
        try {
            socket.startHandshake();
            // With TLS 1.3 a server refuses a client certificate only after the client's side of the handshake.
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            in.read();
            return null;
        } catch (SocketTimeoutException e) {
            return null; // the handshake held, and the server waits for more: TLS is not the problem
        } catch (SSLException | EOFException e) {
            return "TLS with " + where + " failed: " + explain(e, uri.getHost(), trust.presented);
        } catch (SocketException e) {
            // A plaintext server answers the ClientHello with an HTTP error and closes with it unread: a reset.
            return "TLS with " + where + " failed: " + (trust.presented == null
                    ? "it does not speak TLS (a plaintext etcd? then use http://): " + e.getMessage()
                    : e.getMessage());
        }
    }

    private String explain(IOException e, String host, X509Certificate presented) {
        String text = messages(e);
        if (has(e, CertPathValidatorException.class) || text.contains("PKIX path")
                || text.contains("unable to find valid certification path")) {
            return "its certificate (" + subject(presented) + ") is not signed by "
                    + (config.caCert() != null ? "the CA in " + config.caCert() : "a CA this JVM trusts")
                    + " (unknown CA)";
        }
        if (text.contains("No subject alternative") || text.contains("No name matching")) {
            return "its certificate is made out to " + names(presented) + ", not to " + host + " (wrong name)";
        }
        if (text.contains("bad_certificate") || text.contains("certificate_required")
                || text.contains("unknown_ca")) {
            return config.clientCert() == null ? "it wants a client certificate, and none is configured"
                    : "it refused the client certificate " + config.clientCert() + " (not signed by a CA it trusts)";
        }
        if (text.contains("Unsupported or unrecognized SSL message") || text.contains("plaintext")
                || e instanceof EOFException || text.contains("Remote host terminated the handshake")) {
            return "it does not speak TLS (a plaintext etcd? then use http://)";
        }
        return text;
    }

    private static String subject(X509Certificate c) {
        return c == null ? "unseen" : c.getSubjectX500Principal().getName() + ", issued by "
                + c.getIssuerX500Principal().getName();
    }

    private static String names(X509Certificate c) {
        if (c == null) {
            return "other names";
        }
        try {
            Collection<List<?>> alternatives = c.getSubjectAlternativeNames();
            if (alternatives != null && !alternatives.isEmpty()) {
                return alternatives.stream().map(n -> String.valueOf(n.get(1))).collect(Collectors.joining(", "));
            }
        } catch (CertificateException e) {
            // fall back to the subject
        }
        return c.getSubjectX500Principal().getName();
    }

    private static String messages(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && s.indexOf(t.getMessage()) < 0) {
                s.append(s.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        return s.toString();
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The trust manager in use, remembering the server certificate it was shown, to name it in messages. */
    private static final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        volatile X509Certificate presented;

        Recording(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        private void remember(X509Certificate[] chain) {
            presented = chain.length > 0 ? chain[0] : null;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            remember(chain);
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            remember(chain);
            delegate.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            remember(chain);
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("a client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("a client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
