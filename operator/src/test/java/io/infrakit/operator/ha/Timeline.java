package io.infrakit.operator.ha;

import io.infrakit.operator.ha.ReplicaProcess.Interval;
import io.infrakit.operator.ha.ReplicaProcess.LogLine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The safety checks over the replicas' leadership intervals and plugin actions (pure, so it is tested alone). */
final class Timeline {

    private Timeline() {
    }

    /** Every pair of intervals of different replicas that overlap (touching ends do not overlap). */
    static List<String> overlaps(List<Interval> intervals) {
        List<Interval> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparingLong(Interval::from));
        List<String> found = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i + 1; j < sorted.size(); j++) {
                Interval a = sorted.get(i);
                Interval b = sorted.get(j);
                if (!a.replica().equals(b.replica()) && a.overlaps(b)) {
                    found.add(a + " overlaps " + b);
                }
            }
        }
        return found;
    }

    /** The plugin actions a replica logged outside all of its own leadership intervals. */
    static List<String> actionsOutside(String replica, List<LogLine> actions, List<Interval> own) {
        List<String> found = new ArrayList<>();
        for (LogLine a : actions) {
            if (own.stream().noneMatch(i -> i.contains(a.at()))) {
                found.add(replica + " acted outside its leadership " + own + ": " + a);
            }
        }
        return found;
    }
}
