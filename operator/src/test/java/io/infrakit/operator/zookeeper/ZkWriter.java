package io.infrakit.operator.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * A ZooKeeper client that keeps writing a counter and reading it back, from its own thread, connected to every
 * member. It counts operations that failed (a member it was connected to went away, no leader for a moment) and
 * the longest time without a successful write and read.
 */
final class ZkWriter implements AutoCloseable {

    private static final String PATH = "/infrakit-writer";

    private final String connect;
    private final Thread thread;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong maxGapNanos = new AtomicLong();
    private volatile boolean stop;
    private volatile Throwable broken;
    private ZooKeeper zk;

    ZkWriter(String connect) throws Exception {
        this.connect = connect;
        this.zk = connect();
        try {
            zk.create(PATH, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // from an earlier writer
        }
        this.thread = new Thread(this::run, "zk-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private ZooKeeper connect() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper client = new ZooKeeper(connect, 6000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(20, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("cannot connect to " + connect);
        }
        return client;
    }

    private void run() {
        long lastOk = System.nanoTime();
        long n = 0;
        try {
            while (!stop) {
                byte[] value = Long.toString(++n).getBytes(StandardCharsets.UTF_8);
                try {
                    zk.setData(PATH, value, -1);
                    byte[] read = zk.getData(PATH, false, null);
                    if (!new String(read, StandardCharsets.UTF_8).equals(Long.toString(n))) {
                        throw new IllegalStateException("read " + new String(read, StandardCharsets.UTF_8)
                                + " after writing " + n);
                    }
                    long now = System.nanoTime();
                    maxGapNanos.accumulateAndGet(now - lastOk, Math::max);
                    lastOk = now;
                    ok.incrementAndGet();
                    Thread.sleep(10);
                } catch (KeeperException.SessionExpiredException e) {
                    failed.incrementAndGet();
                    zk.close();
                    zk = connect();
                } catch (KeeperException e) {
                    failed.incrementAndGet();
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            // closing
        } catch (Exception | Error e) {
            broken = e;
        }
    }

    long succeeded() {
        return ok.get();
    }

    long failures() {
        return failed.get();
    }

    long maxGapMillis() {
        return TimeUnit.NANOSECONDS.toMillis(maxGapNanos.get());
    }

    /** Throws what stopped the writer, if anything did. */
    void check() {
        if (broken != null) {
            throw new AssertionError("the writer stopped", broken);
        }
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(15_000);
            zk.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
