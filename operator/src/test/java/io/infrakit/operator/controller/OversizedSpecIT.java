package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A value too large to be a spec, and not even UTF-8: the status names the size etcd holds, not a decoded one. */
class OversizedSpecIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    @Test
    void theSizeErrorCountsTheBytesStored() throws Exception {
        byte[] value = new byte[1_433_600];
        new Random(7).nextBytes(value); // each byte that is not UTF-8 decodes to a 3-byte replacement character
        try (OperatorFixture op = new OperatorFixture(ETCD, "oversized", dir, Duration.ofSeconds(10)).start();
             Client raw = Client.builder().endpoints(ETCD.endpoints().toArray(String[]::new)).build()) {
            raw.getKVClient().put(ByteSequence.from(op.keys.group("big"), StandardCharsets.UTF_8),
                    ByteSequence.from(value)).get(10, TimeUnit.SECONDS);

            GroupStatus s = op.awaitStatus("big", x -> x.error() != null, "big in error");

            assertThat(s.error().message()).isEqualTo("Spec is 1433600 bytes, over the limit of 1048576 (1 MiB)");
            assertThat(op.store.get(op.keys.group("big")).orElseThrow().valueSize()).isEqualTo(value.length);
        }
    }
}
