package io.infrakit.store.etcd;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a timed-out request makes the client connect afresh: only if it went out on the current connections. */
class ReconnectTest {

    // Nothing listens on port 1; the channel is only ever asked to go idle.
    private final ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", 1).usePlaintext().build();

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    @Test
    void aTimeoutReconnectsOnlyWhenTheRequestWentOutOnTheCurrentConnections() {
        long beforeClient = System.nanoTime();
        Reconnect reconnect = new Reconnect(channel);
        assertThat(reconnect.timedOut(beforeClient)).as("sent before the client existed").isFalse();

        long sent = System.nanoTime();
        channel.getState(true); // connecting
        assertThat(reconnect.timedOut(sent)).isTrue();
        assertThat(channel.getState(false)).isEqualTo(ConnectivityState.IDLE);
        // Other requests that were waiting on the old connections time out too: no second fresh start for them.
        assertThat(reconnect.timedOut(sent)).isFalse();

        // One sent on the fresh connections that gets no answer either: connect afresh again.
        assertThat(reconnect.timedOut(System.nanoTime())).isTrue();
    }

    @Test
    void withoutAChannelThereIsNothingToReconnect() {
        assertThat(new Reconnect(null).timedOut(System.nanoTime())).isFalse();
    }
}
