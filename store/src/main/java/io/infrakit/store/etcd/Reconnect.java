package io.infrakit.store.etcd;

import io.etcd.jetcd.Client;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Keeps reconnects after an etcd outage prompt. gRPC waits longer and longer between connection attempts while
 * etcd is down (1 s growing to 2 min), so after a long outage the client would come back long after etcd did.
 * jetcd does not expose its channel, hence the reflection; if a jetcd upgrade moves it, reconnects are merely
 * slower again (and a test says so).
 */
final class Reconnect {

    private static final Logger log = LoggerFactory.getLogger(Reconnect.class);

    private final ManagedChannel channel;

    private Reconnect(ManagedChannel channel) {
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
