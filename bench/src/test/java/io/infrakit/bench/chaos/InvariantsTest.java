package io.infrakit.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.bench.chaos.Invariants.Desired;
import io.infrakit.bench.chaos.LabCluster.Leadership;
import io.infrakit.bench.chaos.RecordingPlugin.Call;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvariantsTest {

    private static final List<Leadership> LEADERS = List.of(new Leadership(0, 2, "o1"), new Leadership(5000, 9, "o2"));
    private static final List<Desired> WEB_2 = List.of(new Desired(0, "web", 2, false));

    private static Call call(long at, long term, String method, String instance) {
        return new Call(at, at + 1, term, method, "web", null, instance, "done");
    }

    @Test
    void aCleanHandoverBreaksNothing() {
        List<Call> calls = List.of(call(100, 2, "Provision", "i1"), call(200, 2, "Provision", "i2"),
                call(4000, 0, "Lost", "i1"), call(6000, 9, "Provision", "i3"));

        Invariants.Report r = Invariants.check(calls, LEADERS, WEB_2);

        assertThat(r.violations()).isEmpty();
        assertThat(r.terms()).isEqualTo(2);
    }

    @Test
    void aDeposedLeadersCallAfterTheTakeoverIsDoneBlindWithTheRecordAroundIt() {
        List<Call> calls = List.of(call(100, 2, "Provision", "i1"), call(4000, 0, "Lost", "i1"),
                call(6000, 9, "Provision", "i2"), call(6100, 2, "Provision", "i3"));

        Invariants.Report r = Invariants.check(calls, LEADERS, WEB_2);

        assertThat(r.violations()).anySatisfy(v -> assertThat(v).startsWith("done blind: term 2 called Provision at 6100")
                .contains("> 6100 6101 term=2 Provision group=web i3 done", "  6000 6001 term=9 Provision"));
        assertThat(r.violations()).anySatisfy(v -> assertThat(v).startsWith("terms interleaved"));
    }

    @Test
    void moreInstancesThanTheSpecAllowsAreCaught() {
        List<Call> calls = List.of(call(100, 2, "Provision", "i1"), call(200, 2, "Provision", "i2"),
                call(300, 2, "Provision", "i3"));

        assertThat(Invariants.check(calls, LEADERS, WEB_2).violations())
                .singleElement().asString().startsWith("too many: web has 3 instances, at most 2 allowed");
    }

    @Test
    void aRefusedLateCallIsCountedApartNotAsAViolation() {
        List<Call> calls = List.of(call(100, 2, "Provision", "i1"),
                new Call(6100, 6101, 2, "Destroy", "web", null, "i1", "refused(newest=9)"));

        Invariants.Report r = Invariants.check(calls, LEADERS, WEB_2);

        assertThat(r.violations()).isEmpty();
        assertThat(r.refusedAfterDeposition()).hasSize(1);
    }
}
