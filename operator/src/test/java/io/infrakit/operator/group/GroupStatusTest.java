package io.infrakit.operator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The stored status JSON: the same keys in the same order as before the status became a built value (less the
 * derived {@code "rolling"} an update used to leak), and what earlier versions stored reads back to an equal value.
 */
class GroupStatusTest {

    private static final String ROLLING = "{\"ID\":\"web\",\"Desired\":3,\"Observed\":3,\"Converged\":false,"
            + "\"State\":\"converging\",\"OutOfDate\":2,\"ConfigSHA\":\"sha2\",\"SpecRevision\":12,"
            + "\"InstancePlugin\":\"instance-file\",\"Update\":{\"TargetSHA\":\"sha2\",\"State\":\"rolling\","
            + "\"Done\":1,\"Total\":3,\"Batch\":1,\"BatchStarted\":\"2026-01-02T03:04:05Z\","
            + "\"Reason\":\"waiting for i-1 to become healthy\"}}";
    private static final String ERROR = "{\"ID\":\"db\",\"Desired\":0,\"Observed\":0,\"Converged\":false,"
            + "\"State\":\"error\",\"OutOfDate\":0,\"ConfigSHA\":null,\"SpecRevision\":7,\"InstancePlugin\":null,"
            + "\"Error\":{\"Message\":\"Allocation must not be blank\",\"Since\":\"2026-01-02T03:04:05Z\"}}";

    @Test
    void writesInfraKitsKeysInTheirOrder() {
        GroupStatus s = GroupStatus.builder("web").state(GroupState.CONVERGING).desired(3).observed(3).outOfDate(2)
                .configSha("sha2").specRevision(12).instancePlugin("instance-file")
                .update(new UpdateProgress("sha2", UpdateState.ROLLING, 1, 3, 1, "2026-01-02T03:04:05Z",
                        "waiting for i-1 to become healthy"))
                .build();
        assertThat(s.toJson()).isEqualTo(ROLLING);
        assertThat(GroupStatus.fromJson(ROLLING)).contains(s);
        assertThat(GroupStatus.fromJson(ROLLING.replace("healthy\"}", "healthy\",\"rolling\":true}"))).contains(s);
    }

    @Test
    void readsWhatEarlierVersionsStoredAndIgnoresWhatItDoesNotKnow() {
        GroupStatus s = GroupStatus.fromJson(ERROR).orElseThrow();
        assertThat(s.state()).isEqualTo(GroupState.ERROR);
        assertThat(s.error().message()).isEqualTo("Allocation must not be blank");
        assertThat(s.toJson()).isEqualTo(ERROR);
        assertThat(GroupStatus.fromJson(ERROR.replace("\"ID\"", "\"Future\":{\"a\":1},\"ID\""))).contains(s);
        assertThat(GroupStatus.fromJson("{\"ID\":\"x\",\"State\":\"no-such-state\"}")).isEmpty();
        assertThat(GroupStatus.fromJson("not json")).isEmpty();
    }

    @Test
    void convergedFollowsTheStateAndAnErrorKeepsItsFirstTime() {
        GroupStatusBuilder b = GroupStatus.builder("web").desired(2).observed(2);
        assertThat(b.state(GroupState.serving(2, 2, 0, null)).build().converged()).isTrue();
        assertThat(GroupState.serving(2, 2, 0, new UpdateProgress("s", UpdateState.ROLLING, 2, 2, 1, null, null)))
                .isEqualTo(GroupState.CONVERGING);
        assertThat(GroupState.serving(2, 1, 0, null)).isEqualTo(GroupState.CONVERGING);
        GroupStatus failed = b.state(GroupState.ERROR).error(GroupStatus.LastError.of("boom", null,
                Instant.parse("2026-01-01T00:00:00Z"))).build();
        assertThat(failed.converged()).isFalse();
        assertThat(GroupStatus.LastError.of("boom", failed, Instant.parse("2026-02-01T00:00:00Z")).since())
                .isEqualTo("2026-01-01T00:00:00Z");
        assertThat(GroupStatus.LastError.of("other", failed, Instant.parse("2026-02-01T00:00:00Z")).since())
                .isEqualTo("2026-02-01T00:00:00Z");
    }

    @Test
    void newStatesAndTheirFieldsReadBackAndSayWhatNeedsAttention() {
        GroupStatus looping = GroupStatus.builder("web").desired(1).observed(0).configSha("s").specRevision(3)
                .crashLoop(new GroupStatus.CrashLoop(4, "2026-01-02T03:04:13Z", "instance p-1 was gone 12ms after its"
                        + " Provision")).serving().build();
        assertThat(looping.state()).isEqualTo(GroupState.CRASH_LOOPING);
        assertThat(looping.toJson()).contains("\"State\":\"crash-looping\"").contains("\"CrashLoop\":{\"Restarts\":4,"
                + "\"NextAttempt\":\"2026-01-02T03:04:13Z\",\"Reason\":\"instance p-1 was gone 12ms after its Provision\"}");
        assertThat(GroupStatus.fromJson(looping.toJson())).contains(looping);
        assertThat(looping.problem()).isEqualTo("crash loop: instance p-1 was gone 12ms after its Provision; 4 restarts,"
                + " next attempt at 2026-01-02T03:04:13Z");

        GroupStatus back = GroupStatus.builder("web").desired(1).observed(1).specRevision(9)
                .rolledBack(new GroupStatus.RolledBack(8, "bad", "Instance i-2 is unhealthy", 9, "2026-01-02T03:04:05Z"))
                .serving().build();
        assertThat(back.state()).isEqualTo(GroupState.ROLLED_BACK);
        assertThat(back.converged()).isFalse();
        assertThat(GroupStatus.fromJson(back.toJson())).contains(back);
        assertThat(back.problem()).isEqualTo("update to bad (revision 8) rolled back: Instance i-2 is unhealthy");

        GroupStatus unknown = GroupStatus.builder("web").state(GroupState.UNREACHABLE).desired(3).observedUnknown()
                .build();
        assertThat(unknown.toJson()).contains("\"Observed\":null");
        assertThat(GroupStatus.fromJson(unknown.toJson()).orElseThrow().observed()).isNull();
        assertThat(GroupStatus.fromJson(ROLLING).orElseThrow().observed()).isEqualTo(3L);

        GroupStatus failed = GroupStatus.builder("web").desired(1).observed(1)
                .update(new UpdateProgress("s", UpdateState.FAILED, 0, 1, 1, null, "Instance i-3 is unhealthy"))
                .serving().build();
        assertThat(failed.state()).isEqualTo(GroupState.FAILED);
        assertThat(failed.problem()).isEqualTo("update failed: Instance i-3 is unhealthy");
    }
}
