package io.infrakit.operator.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** The test's own look at a member, independent of the flavor under test: ZooKeeper's {@code srvr} word. */
final class Srvr {

    /** What a member said. */
    enum Mode { LEADER, FOLLOWER, NOT_SERVING, DOWN, NO_ANSWER }

    private Srvr() {
    }

    static Mode ask(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (reply.contains("Mode: leader")) {
                return Mode.LEADER;
            }
            return reply.contains("Mode: follower") ? Mode.FOLLOWER : Mode.NOT_SERVING;
        } catch (SocketTimeoutException e) {
            return Mode.NO_ANSWER; // busy (a JVM starting next to it on two cores), not evidence of anything
        } catch (IOException e) {
            return Mode.DOWN;
        }
    }

    static boolean serving(Mode mode) {
        return mode == Mode.LEADER || mode == Mode.FOLLOWER;
    }
}
