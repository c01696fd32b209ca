package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.infrakit.operator.cli.Main;
import io.infrakit.operator.group.GroupState;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a spec may ask, against a real etcd and the file plugin: an absurd Size and bytes that are not UTF-8 are
 * refused with a clear status error and no instance (the group's instances left as they are); the CLI refuses them
 * before writing; a Size beyond any plan's memory, once allowed, grows the group batch by batch.
 */
@Timeout(120)
class SpecLimitsIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    private static final String TRILLION = "1000000000000";

    private static void rawPut(OperatorFixture op, String id, byte[] value) throws Exception {
        try (Client raw = Client.builder().endpoints(ETCD.endpoints().toArray(String[]::new)).build()) {
            raw.getKVClient().put(ByteSequence.from(op.keys.group(id), StandardCharsets.UTF_8),
                    ByteSequence.from(value)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAbsurdSizeOrBytesThatAreNotUtf8AreRefusedAndTheInstancesLeftAlone() throws Exception {
        try (OperatorFixture op = new OperatorFixture(ETCD, "limits", dir, Duration.ofSeconds(1)).start()) {
            op.put("big", OperatorFixture.cattle("big", 1, "x").replace("\"Size\":1", "\"Size\":" + TRILLION));
            GroupStatus big = op.awaitStatus("big", s -> s.error() != null, "big refused");
            assertThat(big.error().message()).isEqualTo("Allocation asks for 1000000000000 instances, over the"
                    + " ceiling of 10000 per group (infrakit up --max-instances, env INFRAKIT_MAX_INSTANCES)");
            assertThat(big.state()).isEqualTo(GroupState.ERROR);

            op.put("web", OperatorFixture.cattle("web", 2, "é"));
            op.awaitConverged("web", 2);
            op.put("web", OperatorFixture.cattle("web", 20_000, "é"));
            op.awaitStatus("web", s -> s.error() != null && s.error().message().contains("over the ceiling"),
                    "web's scale-up refused");
            byte[] latin1 = OperatorFixture.cattle("web", 3, "é").getBytes(StandardCharsets.ISO_8859_1);
            rawPut(op, "web", latin1);
            GroupStatus web = op.awaitStatus("web", s -> s.error() != null && s.error().message().contains("UTF-8"),
                    "web's Latin-1 spec refused");
            int at = new String(latin1, StandardCharsets.ISO_8859_1).indexOf('é');
            assertThat(web.error().message()).isEqualTo("Spec is not valid UTF-8 (byte " + at + " is not): save it"
                    + " as UTF-8; nothing is done with it meanwhile");
            assertThat(web.observed()).as("not asked: unknown").isNull();
            Thread.sleep(2500); // resyncs: still nothing done
            assertThat(op.instances("big")).isEmpty();
            assertThat(op.instances("web")).as("left as they were").hasSize(2);

            // The CLI refuses both before writing anything.
            String etcd = String.join(",", ETCD.endpoints());
            Path file = Files.write(dir.resolve("latin1.json"), OperatorFixture.cattle("other", 1, "é")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(Main.run("group", "commit", file.toString(), "--etcd", etcd, "--prefix", op.keys.prefix()))
                    .isEqualTo(1);
            Path huge = Files.writeString(dir.resolve("huge.json"), OperatorFixture.cattle("other", 10_001, "x"));
            assertThat(Main.run("group", "commit", huge.toString(), "--etcd", etcd, "--prefix", op.keys.prefix()))
                    .isEqualTo(1);
            assertThat(op.store.get(op.keys.group("other"))).isEmpty();
            assertThat(Main.run("group", "commit", huge.toString(), "--max-instances", "10001", "--pretend",
                    "--etcd", etcd, "--prefix", op.keys.prefix())).isZero();
        }
    }

    @Test
    void aSizeBeyondAnyPlansMemoryGrowsTheGroupBatchByBatch() throws Exception {
        ControllerConfig lifted = ControllerConfig.defaults().withResync(Duration.ofSeconds(1))
                .withMaxInstances(Long.MAX_VALUE).withBatch(50);
        try (OperatorFixture op = new OperatorFixture(ETCD.newStore(), "batches", dir, lifted).start()) {
            op.put("huge", OperatorFixture.cattle("huge", 1, "x").replace("\"Size\":1", "\"Size\":" + TRILLION));
            GroupStatus growing = op.awaitStatus("huge", s -> s.observed() != null && s.observed() >= 150,
                    "three batches");
            assertThat(growing.desired()).isEqualTo(1_000_000_000_000L);
            assertThat(growing.state()).isEqualTo(GroupState.CONVERGING);
            assertThat(growing.error()).isNull();
            assertThat(growing.observed() % 50).as("each pass made one batch of 50").isZero();

            op.put("huge", OperatorFixture.cattle("huge", 0, "x"));
            await("scaled to nothing").atMost(Duration.ofSeconds(60)).until(() -> op.instances("huge").isEmpty());
        }
    }
}
