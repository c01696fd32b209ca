package io.infrakit.operator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.infrakit.operator.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd password on plain http:// to another host: what a listener on the network would read. The listener here
 * is a socket on one of this machine's non-loopback addresses that speaks just enough HTTP/2 (its SETTINGS) for a
 * gRPC client to send its first request.
 */
class PlaintextPasswordIT {

    private static final String PASSWORD = "plain-sight-73";

    @TempDir
    Path dir;

    @Test
    void thePasswordIsNotSentInPlaintextUnlessAllowed() throws Exception {
        InetAddress address = nonLoopbackAddress();
        Path passwordFile = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
        try (ServerSocket listener = new ServerSocket(0, 5, address)) {
            String url = "http://" + address.getHostAddress() + ":" + listener.getLocalPort();
            String[] ls = {"group", "ls", "--etcd", url, "--etcd-user", "ops", "--etcd-password-file",
                    passwordFile.toString(), "--etcd-timeout", "2s"};

            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(run(err, ls)).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("in plaintext to " + url)
                    .contains("--allow-plaintext").doesNotContain(PASSWORD);
            assertThat(heard(listener, 500)).as("nothing was sent").isEmpty();

            // Allowed, the password crosses the wire as it is: the refusal above is what keeps it.
            String[] allowed = Arrays.copyOf(ls, ls.length + 1);
            allowed[ls.length] = "--allow-plaintext";
            Thread client = new Thread(() -> run(new ByteArrayOutputStream(), allowed));
            client.start();
            assertThat(heard(listener, 10_000)).contains(PASSWORD);
            client.join(30_000);
        }
    }

    private static int run(ByteArrayOutputStream err, String... args) {
        PrintStream saved = System.err;
        synchronized (PlaintextPasswordIT.class) {
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                return Main.run(args);
            } finally {
                System.setErr(saved);
            }
        }
    }

    /** What one connection sent within the time, after our HTTP/2 SETTINGS; empty when nobody connected. */
    private static String heard(ServerSocket listener, int millis) throws IOException {
        listener.setSoTimeout(millis);
        try (Socket s = listener.accept()) {
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            out.flush();
            s.setSoTimeout(2000);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) > 0 && got.size() < 1 << 20; ) {
                    got.write(buffer, 0, n);
                    if (got.toString(StandardCharsets.ISO_8859_1).contains(PASSWORD)) {
                        break;
                    }
                }
            } catch (SocketTimeoutException | SocketException e) {
                // all it sent
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            return "";
        }
    }

    private static InetAddress nonLoopbackAddress() throws SocketException {
        Optional<InetAddress> found = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        assumeTrue(found.isPresent(), "skipped: this machine has no non-loopback IPv4 address to listen on");
        return found.get();
    }
}
