package io.infrakit.operator.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.operator.ha.ReplicaProcess.Interval;
import io.infrakit.operator.ha.ReplicaProcess.LogLine;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks the HA scenarios rely on find what they are meant to find. */
class TimelineTest {

    @Test
    void disjointAndTouchingIntervalsDoNotOverlap() {
        assertThat(Timeline.overlaps(List.of(
                new Interval("r1", 100, 200, "lost"),
                new Interval("r2", 200, 300, "killed"),
                new Interval("r3", 350, Long.MAX_VALUE, "still leading"),
                new Interval("r1", 310, 340, "lost")))).isEmpty();
    }

    @Test
    void overlappingIntervalsOfTwoReplicasAreReported() {
        List<String> found = Timeline.overlaps(List.of(
                new Interval("r1", 100, 250, "lost"),
                new Interval("r2", 200, 300, "lost"),
                new Interval("r3", 290, Long.MAX_VALUE, "still leading")));
        assertThat(found).hasSize(2);
        assertThat(found.get(0)).contains("r1").contains("r2");
        assertThat(found.get(1)).contains("r2").contains("r3");
    }

    @Test
    void actionsAreCheckedAgainstTheReplicasOwnIntervals() {
        List<Interval> own = List.of(new Interval("r1", 100, 200, "lost"), new Interval("r1", 400, 500, "killed"));
        LogLine inside = new LogLine(150, "INFO", "t", "PlanExecutor", "provisioned instance-1");
        LogLine atEnd = new LogLine(500, "INFO", "t", "PlanExecutor", "destroyed instance-2 (scale down)");
        LogLine between = new LogLine(300, "INFO", "t", "PlanExecutor", "provisioned instance-3");
        assertThat(Timeline.actionsOutside("r1", List.of(inside, atEnd), own)).isEmpty();
        assertThat(Timeline.actionsOutside("r1", List.of(inside, between, atEnd), own))
                .singleElement().asString().contains("instance-3");
        assertThat(Timeline.actionsOutside("r2", List.of(inside), List.of())).hasSize(1);
    }

    @Test
    void logLinesAreRecognised() {
        assertThat(new LogLine(1, "INFO", "t", "Replica", "LEADERSHIP gained: r1 leads (key k, revision 2)")
                .gained()).isTrue();
        assertThat(new LogLine(1, "INFO", "t", "Replica", "LEADERSHIP lost: r1 stopped acting (resigned)")
                .lost()).isTrue();
        assertThat(new LogLine(1, "INFO", "t", "PlanExecutor", "provisioned instance-1 (10.0.0.1)")
                .pluginAction()).isTrue();
        assertThat(new LogLine(1, "INFO", "t", "GroupReconciler", "1 to create, 0 to destroy")
                .pluginAction()).isFalse();
    }
}
