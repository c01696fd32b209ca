package io.infrakit.store.etcd;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads, so a forgotten close never keeps a JVM alive and thread dumps say whose thread it is. */
final class Threads {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private Threads() {
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name + "-" + SEQ.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
