package io.infrakit.bench.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay between one operator replica and one etcd member that can hold every byte back for a while, in each
 * direction: the lab's latency where the kernel has no netem. Order is kept; a connection closed on one side is
 * closed on the other.
 */
final class DelayRelay implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long delayNanos;
    private volatile boolean closed;

    DelayRelay(String bindIp, int port, InetSocketAddress upstream) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bindIp, port));
        this.upstream = upstream;
        Thread t = new Thread(this::accept, "relay-" + port);
        t.setDaemon(true);
        t.start();
    }

    /** Each byte is held this long in each direction (a round trip gains twice this). */
    void delay(long millis) {
        delayNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Closes the open connections (a member that restarts drops its clients, as here). */
    void dropConnections() {
        for (Socket s : sockets) {
            close(s);
        }
        sockets.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket member = new Socket();
                try {
                    member.connect(upstream, 2000);
                } catch (IOException e) {
                    close(client);
                    close(member);
                    continue;
                }
                client.setTcpNoDelay(true);
                member.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(member);
                pump(client, member);
                pump(member, client);
            } catch (IOException e) {
                if (!closed) {
                    sleep(50);
                }
            }
        }
    }

    private record Chunk(long due, byte[] bytes) {
    }

    /** One direction: a reader stamps each chunk with its release time, a writer releases it then. */
    private void pump(Socket from, Socket to) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Chunk end = new Chunk(0, null);
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[32 * 1024];
            try (InputStream in = from.getInputStream()) {
                long last = 0;
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    long due = Math.max(last, System.nanoTime() + delayNanos);
                    last = due;
                    queue.add(new Chunk(due, Arrays.copyOf(buf, n)));
                }
            } catch (IOException e) {
                // the connection is gone: the writer closes the other side
            }
            queue.add(end);
        }, "relay-read");
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk c = queue.take();
                    if (c == end) {
                        break;
                    }
                    long wait = c.due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    out.write(c.bytes);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closing below
            }
            close(from);
            close(to);
            sockets.remove(from);
            sockets.remove(to);
        }, "relay-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        dropConnections();
    }
}
