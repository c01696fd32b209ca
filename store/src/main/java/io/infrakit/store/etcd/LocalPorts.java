package io.infrakit.store.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1, for processes started on loopback. They are picked below the kernel's ephemeral range:
 * a port from that range can become the source port of any outgoing connection, and then a process that binds it
 * later (a restarted etcd keeps its port) finds it taken.
 */
public final class LocalPorts {

    private static final String HOST = "127.0.0.1";
    private static final int LOWEST = 20000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private LocalPorts() {
    }

    /** {@code n} distinct ports that were free a moment ago (all held open together, so they differ). */
    public static int[] free(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            int below = ephemeralLow();
            for (int i = 0; i < n; i++) {
                ServerSocket s = below - LOWEST > 1000 ? bindBelow(below) : null;
                if (s == null) {
                    s = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                }
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    private static ServerSocket bindBelow(int below) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            try {
                return new ServerSocket(port, 1, InetAddress.getByName(HOST));
            } catch (IOException taken) {
                // try another
            }
        }
        return null;
    }

    /** The first port the kernel hands out for outgoing connections (32768 where it cannot be read). */
    public static int ephemeralLow() {
        try {
            // Read through a buffer: a sysctl file answers only a read from its start, and Files.readString, which
            // reads one byte first when the file's size says 0, gets "3" of "32768".
            String[] range = Files.readAllLines(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).get(0).trim()
                    .split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    /** Whether nothing listens on the port right now. */
    public static boolean isFree(int port) {
        try {
            new ServerSocket(port, 1, InetAddress.getByName(HOST)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
