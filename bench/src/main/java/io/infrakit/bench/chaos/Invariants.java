package io.infrakit.bench.chaos;

import io.infrakit.bench.chaos.LabCluster.Leadership;
import io.infrakit.bench.chaos.RecordingPlugin.Call;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The invariants, checked from the plugin's record of every call and the harness's record of leaders and specs:
 * no call done by a deposed leader after its successor took over (done blind), calls of two terms never
 * interleaved, never more instances than the spec allows (nothing done twice), never two live instances of one
 * pet. Convergence and lost keys are checked by the scenarios, which know when the faults stopped.
 */
final class Invariants {

    /** A group's desired size from a time on; pets carry their logical IDs. */
    record Desired(long at, String group, int size, boolean pets) {
    }

    /** What was found: violations (target none), and deposed leaders' attempts the fence refused. */
    record Report(List<String> violations, List<String> refusedAfterDeposition, int calls, int terms) {
    }

    /** Specs that changed less than this long ago still bound the size (the old size while shrinking). */
    private static final long TRANSITION_MS = 30_000;

    private Invariants() {
    }

    static Report check(List<Call> calls, List<Leadership> leaders, List<Desired> desired) {
        List<String> violations = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<Call> byTime = new ArrayList<>(calls);
        byTime.sort(Comparator.comparingLong(Call::at));
        TreeMap<Long, Long> takeover = new TreeMap<>(); // term → when the harness saw it lead
        for (Leadership l : leaders) {
            takeover.putIfAbsent(l.term(), l.at());
        }

        // Done blind: a call of term T that arrived after a newer term was seen leading.
        for (Call c : byTime) {
            if (c.term() <= 0) {
                continue;
            }
            Map.Entry<Long, Long> newer = takeover.higherEntry(c.term());
            if (newer != null && c.at() > newer.getValue()) {
                String what = "term " + c.term() + " called " + c.method() + " at " + c.at() + " ms, "
                        + (c.at() - newer.getValue()) + " ms after term " + newer.getKey() + " took over: " + c.line();
                if (c.done()) {
                    violations.add("done blind: " + what + excerpt(byTime, c));
                } else if (c.refused()) {
                    refused.add(what);
                }
            }
        }

        // Two terms never interleave: every done call of an older term starts before the newer term's first.
        Map<Long, Long> firstDone = new HashMap<>();
        for (Call c : byTime) {
            if (c.done() && c.term() > 0) {
                firstDone.putIfAbsent(c.term(), c.at());
            }
        }
        for (Call c : byTime) {
            if (!c.done() || c.term() <= 0) {
                continue;
            }
            for (Map.Entry<Long, Long> e : firstDone.entrySet()) {
                if (e.getKey() > c.term() && c.at() > e.getValue()) {
                    violations.add("terms interleaved: " + c.line() + " after term " + e.getKey() + "'s first call at "
                            + e.getValue() + " ms" + excerpt(byTime, c));
                }
            }
        }

        // Nothing done twice: live instances within the size allowed, one per pet.
        Map<String, Integer> live = new HashMap<>();
        Map<String, String> groupOf = new HashMap<>();
        Map<String, Integer> perLogicalId = new HashMap<>();
        for (Call c : byTime) {
            if (!c.done() || c.group() == null) {
                continue;
            }
            String key = c.group() + "/" + c.logicalId();
            switch (c.method()) {
                case "Provision" -> {
                    int n = live.merge(c.group(), 1, Integer::sum);
                    int allowed = allowed(desired, c.group(), c.at());
                    if (n > allowed) {
                        violations.add("too many: " + c.group() + " has " + n + " instances, at most " + allowed
                                + " allowed: " + c.line() + excerpt(byTime, c));
                    }
                    if (c.logicalId() != null && perLogicalId.merge(key, 1, Integer::sum) > 1) {
                        violations.add("two instances of pet " + key + ": " + c.line() + excerpt(byTime, c));
                    }
                    groupOf.put(c.instance(), key);
                }
                case "Destroy", "Lost" -> {
                    if (groupOf.remove(c.instance()) != null) {
                        live.merge(c.group(), -1, Integer::sum);
                        if (c.logicalId() != null) {
                            perLogicalId.merge(key, -1, Integer::sum);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return new Report(violations, refused, calls.size(), firstDone.size());
    }

    /** The plugin's record around a call (three calls each side), one line each, to print under a violation. */
    private static String excerpt(List<Call> byTime, Call c) {
        int i = byTime.indexOf(c);
        StringBuilder b = new StringBuilder();
        for (int j = Math.max(0, i - 3); j <= Math.min(byTime.size() - 1, i + 3); j++) {
            b.append("\n        ").append(j == i ? "> " : "  ").append(byTime.get(j).line());
        }
        return b.toString();
    }

    /** The largest size of the group's specs in force at any time in the transition window before {@code at}. */
    private static int allowed(List<Desired> desired, String group, long at) {
        List<Desired> mine = desired.stream().filter(d -> d.group().equals(group))
                .sorted(Comparator.comparingLong(Desired::at)).toList();
        int max = 0;
        for (int i = 0; i < mine.size(); i++) {
            long from = mine.get(i).at();
            long until = i + 1 < mine.size() ? mine.get(i + 1).at() : Long.MAX_VALUE;
            if (from <= at && until >= at - TRANSITION_MS) {
                max = Math.max(max, mine.get(i).size());
            }
        }
        return max;
    }
}
