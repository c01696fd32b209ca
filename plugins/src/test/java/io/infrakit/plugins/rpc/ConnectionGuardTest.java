package io.infrakit.plugins.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.infrakit.plugins.http.ConnectionGuard;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.spi.InstanceSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Idle and slow clients against a plugin socket (the group socket is the same server): they must never keep a real
 * call out, and a burst of them costs one log line, not one per connection.
 */
class ConnectionGuardTest {

    private static final String TYPES = "{\"jsonrpc\":\"2.0\",\"method\":\"Handshake.Types\",\"params\":{},\"id\":1}";

    @TempDir
    Path tmp;

    private final List<RawClient> clients = new ArrayList<>();
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private Logger guardLog;

    @BeforeEach
    void captureWarnings() {
        guardLog = (Logger) LoggerFactory.getLogger(ConnectionGuard.class);
        warnings.start();
        guardLog.addAppender(warnings);
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RawClient::close);
        guardLog.detachAppender(warnings);
    }

    private RawClient connect(PluginServer server) throws IOException {
        RawClient c = RawClient.connect(server);
        clients.add(c);
        return c;
    }

    private static long warnCount(List<ILoggingEvent> events) {
        return events.stream().filter(e -> e.getLevel() == Level.WARN).count();
    }

    @Test
    void manyIdleConnectionsNeverLockOutARealCall() throws Exception {
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin())
                .start(tmp.resolve("instance-mem"))) {
            for (int i = 0; i < 200; i++) { // the limit is 64: the old server refused everything past it
                connect(server);
            }
            RemoteInstancePlugin remote = new RemoteInstancePlugin(
                    new RpcClient(server.address(), Duration.ofSeconds(2)), "");
            long start = System.nanoTime();

            String id = remote.provision(new InstanceSpec(null, Map.of("g", "1"), "", null, null));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(remote.describeInstances(Map.of("g", "1"), false)).extracting(d -> d.id()).containsExactly(id);
            assertThat(server.openConnections()).isLessThanOrEqualTo(64);
            assertThat(warnCount(warnings.list)).as("one line for the whole burst").isEqualTo(1);
            assertThat(warnings.list.get(0).getFormattedMessage())
                    .startsWith("closed 1 idle connection(s) at unix://" + server.address().toString().substring(7));
        }
    }

    @Test
    void theConnectionIdleTheLongestMakesRoom() throws Exception {
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin()).maxConnections(2)
                .start(tmp.resolve("p"))) {
            RawClient oldest = connect(server);
            Thread.sleep(50);
            RawClient used = connect(server);
            used.exchange(RawClient.post(TYPES));
            RawClient newcomer = connect(server);

            assertThat(newcomer.exchange(RawClient.post(TYPES)).status()).isEqualTo(200);
            assertThat(oldest.closedByServer()).isTrue();
            assertThat(used.exchange(RawClient.post(TYPES)).status()).isEqualTo(200);
        }
    }

    @Test
    void whenEveryConnectionIsServingANewcomerGets503() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        try (PluginServer server = PluginServer.builder().instance(PluginServerLifecycleTest.slowPlugin(inside, 2_000))
                .maxConnections(1).start(tmp.resolve("p"))) {
            RemoteInstancePlugin remote = new RemoteInstancePlugin(new RpcClient(server.address()), "");
            remote.negotiatedInterface();
            CompletableFuture<String> busy = CompletableFuture.supplyAsync(
                    () -> remote.provision(new InstanceSpec(null, null, "", null, null)));
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

            RawHttp.Response refused = connect(server).read();

            assertThat(refused.status()).isEqualTo(503);
            assertThat(RawClient.text(refused)).isEqualTo("too many connections\n");
            assertThat(busy.get(5, TimeUnit.SECONDS)).isEqualTo("slow-1"); // the busy one was not touched
        }
    }

    @Test
    void aHeadSentByteByByteIsCutOffAfterTheRequestTimeout() throws Exception {
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin())
                .requestTimeout(Duration.ofMillis(800)).start(tmp.resolve("p"))) {
            RawClient slow = connect(server);
            String request = RawClient.post(TYPES);
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 40 && !cut; i++) { // 4 s to send the head, never idle for more than 100 ms
                try {
                    slow.send(request.substring(i, i + 1));
                } catch (IOException e) {
                    cut = true;
                }
                Thread.sleep(100);
            }

            assertThat(cut || slow.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
            assertThat(new RpcClient(server.address()).implementedInterfaces()).hasSize(1);
        }
    }
}
