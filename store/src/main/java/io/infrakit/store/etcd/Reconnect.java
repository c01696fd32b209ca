package io.infrakit.store.etcd;

import io.etcd.jetcd.Client;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps reconnects after an etcd outage prompt. gRPC waits longer and longer between connection attempts while
 * etcd is down (1 s growing to 2 min), so after a long outage the client would come back long after etcd did.
 * And it leaves a member that stopped answering while its connection stays up (a partition that drops packets):
 * requests spread over all members, so the ones sent to that member time out until gRPC's keepalive notices,
 * 10 s or more later. After a request timed out, every connection is made afresh instead; a member that does not
 * answer never completes the new connection's handshake, so requests go to the members that do.
 * jetcd does not expose its channel, hence the reflection; if a jetcd upgrade moves it, reconnects are merely
 * slower again (and a test says so).
 */
final class Reconnect {

    private static final Logger log = LoggerFactory.getLogger(Reconnect.class);

    private final ManagedChannel channel;
    /** When the connections were last made afresh (at first: when the client was made). */
    private final AtomicLong lastFresh = new AtomicLong(System.nanoTime());

    /** @param channel null: nothing to reconnect */
    Reconnect(ManagedChannel channel) {
        this.channel = channel;
    }

    static Reconnect of(Client client) {
        try {
            Field field = client.getClass().getDeclaredField("connectionManager");
            field.setAccessible(true);
            Object manager = field.get(client);
            Method getChannel = manager.getClass().getDeclaredMethod("getChannel");
            getChannel.setAccessible(true);
            return new Reconnect((ManagedChannel) getChannel.invoke(manager));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot reach jetcd's gRPC channel ({}); reconnects after long etcd outages will be slow", e);
            return new Reconnect(null);
        }
    }

    /**
     * A request sent at {@code sentNanos} ({@link System#nanoTime()}) got no answer before its deadline. Connects
     * afresh if it went out on the connections as they are now; one sent before the last fresh start waited on an
     * old connection and needs no second one. Returns whether the connections are made afresh.
     */
    boolean timedOut(long sentNanos) {
        long last = lastFresh.get();
        if (channel == null || sentNanos - last < 0 || !lastFresh.compareAndSet(last, System.nanoTime())) {
            return false;
        }
        log.info("a request to etcd timed out: connecting afresh to every endpoint");
        channel.enterIdle();
        return true;
    }

    /** Called every second: while no connection is up, try again now instead of after gRPC's backoff. */
    void tick() {
        if (channel == null) {
            return;
        }
        ConnectivityState state = channel.getState(false);
        if (state == ConnectivityState.TRANSIENT_FAILURE || state == ConnectivityState.IDLE) {
            channel.resetConnectBackoff();
        }
    }
}
