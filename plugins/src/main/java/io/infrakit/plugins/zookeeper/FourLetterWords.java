package io.infrakit.plugins.zookeeper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** ZooKeeper's four-letter words over TCP: send the word, read until the server closes the connection. */
final class FourLetterWords {

    private static final int MAX_REPLY = 64 * 1024;

    private FourLetterWords() {
    }

    /**
     * @throws IOException when the member cannot be reached or does not answer within the timeout
     */
    static String ask(String host, int port, String word, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) >= 0 && reply.size() < MAX_REPLY) {
                reply.write(buffer, 0, n);
            }
            return reply.toString(StandardCharsets.UTF_8);
        }
    }

    /** The {@code Mode:} line of a {@code srvr} reply (leader, follower, standalone, observer), if any. */
    static Optional<String> mode(String srvrReply) {
        for (String line : srvrReply.split("\n")) {
            if (line.startsWith("Mode:")) {
                return Optional.of(line.substring("Mode:".length()).trim());
            }
        }
        return Optional.empty();
    }
}
