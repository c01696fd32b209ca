package io.infrakit.operator.controller;

import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.Plan;
import io.infrakit.operator.group.Planner;
import io.infrakit.plugins.spi.InstanceDescription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brakes crash loops, as Kubernetes' CrashLoopBackOff does, for any instance plugin. An instance that is gone
 * within {@link Policy#quick} of its Provision, when its group (pets: its logical ID) wants a replacement, is a
 * quick exit: the next replacement waits {@link Policy#firstDelay}, doubling with each quick exit in a row up to
 * {@link Policy#maxDelay}. When the wait is over one replacement is made (a probe); the rest follow once it has
 * outlived the quick window, and from then on replacements are made at once again, but the streak goes on from
 * where it was if another quick exit follows. A stretch of {@link Policy#stable} without a quick exit, or a new
 * config, forgets the streak. An instance that ran longer than the quick window and was killed is replaced at once.
 *
 * <p>What it knows lives in this leader's memory: a new leader starts without a streak.
 */
final class CrashLoopBrake {

    /** The brake's timings. */
    record Policy(Duration quick, Duration firstDelay, Duration maxDelay, Duration stable) {

        static final Policy DEFAULT = new Policy(Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofMinutes(5), Duration.ofMinutes(10));

        /** The wait before the replacement that follows {@code strikes} quick exits in a row. */
        Duration delay(int strikes) {
            long ms = firstDelay.toMillis() << Math.min(Math.max(0, strikes - 1), 30);
            return Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
        }
    }

    /**
     * The plan with the creates the brake holds back taken out.
     *
     * @param crashLoop what the status says while something is held back or a probe runs (null: nothing is)
     * @param wake      when to look again for what is held back (null: nothing is, or only a person can lift it)
     */
    record Gate(Plan plan, GroupStatus.CrashLoop crashLoop, Duration wake) {
    }

    /** An instance made recently, watched until it outlives the quick window or is gone. */
    private record Made(String group, String logicalId, String key, Instant at) {
    }

    /**
     * One group's (or logical ID's) streak of quick exits; {@code lived}: a replacement made since the last one
     * outlived the quick window, so the brake is open (the streak is still remembered until it is stable).
     */
    private record Streak(int strikes, Instant last, Instant nextAttempt, String reason, boolean lived) {

        Streak alive() {
            return lived ? this : new Streak(strikes, last, nextAttempt, reason, true);
        }
    }

    private final Policy policy;
    /** By group, then instance ID: a pass looks at its own group's, not at every instance made lately. */
    private final Map<String, Map<String, Made>> made = new ConcurrentHashMap<>();
    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();
    /** The config each group's streaks are about: a new config starts afresh. */
    private final Map<String, String> configs = new ConcurrentHashMap<>();

    CrashLoopBrake(Policy policy) {
        this.policy = policy;
    }

    /** A Provision succeeded. {@code logicalId} null for cattle. */
    void provisioned(String group, String logicalId, String instanceId, Instant at) {
        made.computeIfAbsent(group, g -> new ConcurrentHashMap<>())
                .put(instanceId, new Made(group, logicalId, key(group, logicalId), at));
    }

    /** The controller destroyed the instance: its absence is no exit. */
    void destroyed(String instanceId) {
        for (Map<String, Made> group : made.values()) {
            if (group.remove(instanceId) != null) {
                return;
            }
        }
    }

    /**
     * Finds this pass's quick exits: instances made within the quick window that are gone while their group (pets:
     * their logical ID) is short of instances. Each such key gets a strike. Returns the group's crash loop while a
     * streak is on and no replacement made since has outlived the quick window (null otherwise).
     */
    GroupStatus.CrashLoop observe(GroupDefinition group, List<InstanceDescription> observed, Instant now) {
        String id = group.id();
        if (!group.configHash().equals(configs.put(id, group.configHash()))) {
            forgetStreaks(id);
        }
        Set<String> present = new HashSet<>();
        Set<String> lids = new HashSet<>();
        for (InstanceDescription d : observed) {
            present.add(d.id());
            String lid = Planner.logicalId(d);
            if (lid != null) {
                lids.add(lid);
            }
        }
        boolean shortOf = observed.size() < group.desired();
        Map<String, String> gone = new HashMap<>(); // key -> the reason of its strike
        Map<String, Made> mine = made.getOrDefault(id, Map.of());
        for (Map.Entry<String, Made> e : List.copyOf(mine.entrySet())) {
            Made m = e.getValue();
            Duration age = Duration.between(m.at(), now);
            boolean missing = m.logicalId() == null ? shortOf : !lids.contains(m.logicalId());
            if (present.contains(e.getKey())) {
                if (age.compareTo(policy.quick()) >= 0) {
                    mine.remove(e.getKey()); // it outlived the window: whatever happens to it now is no crash loop
                    streaks.computeIfPresent(m.key(), (k, s) -> m.at().isAfter(s.last()) ? s.alive() : s);
                }
            } else if (age.compareTo(policy.quick()) >= 0) {
                // Gone, but first seen gone after the window (no pass saw it outlive the window): no quick exit.
                mine.remove(e.getKey());
            } else if (missing) {
                mine.remove(e.getKey());
                gone.putIfAbsent(m.key(), "instance " + e.getKey() + " was gone " + human(age) + " after its Provision");
            }
        }
        for (Map.Entry<String, String> e : gone.entrySet()) {
            streaks.compute(e.getKey(), (k, s) -> {
                int n = s == null ? 1 : s.strikes() + 1;
                return new Streak(n, now, now.plus(policy.delay(n)), e.getValue(), false);
            });
        }
        Streak worst = null;
        for (Map.Entry<String, Streak> e : streaks.entrySet()) {
            Streak s = e.getValue();
            if (keyOf(id, e.getKey()) && !s.lived() && now.isBefore(s.last().plus(policy.stable()))
                    && (worst == null || s.strikes() > worst.strikes())) {
                worst = s;
            }
        }
        return worst == null ? null : new GroupStatus.CrashLoop(worst.strikes(), worst.nextAttempt().toString(),
                worst.reason());
    }

    /**
     * Holds back the creates the brake does not allow now (after {@link #observe} in the same pass).
     *
     * @param holdAll hold every replacement of a looping key until a person acts (a failed update is paused)
     */
    Gate gate(String group, Plan plan, boolean holdAll, Instant now) {
        Map<String, List<Plan.Create>> wanted = new LinkedHashMap<>();
        for (Plan.Create c : plan.creates()) {
            wanted.computeIfAbsent(key(group, c.logicalId()), k -> new ArrayList<>()).add(c);
        }
        List<Plan.Create> allowed = new ArrayList<>();
        Streak shown = null;
        Instant wake = null;
        boolean personNeeded = false;
        for (Map.Entry<String, List<Plan.Create>> e : wanted.entrySet()) {
            Streak s = streaks.get(e.getKey());
            if (s != null && !now.isBefore(s.last().plus(policy.stable()))) {
                streaks.remove(e.getKey());
                s = null;
            }
            if (s == null || s.lived()) {
                allowed.addAll(e.getValue());
                continue;
            }
            Instant until;
            if (holdAll) {
                until = null;
                personNeeded = true;
            } else if (now.isBefore(s.nextAttempt())) {
                until = s.nextAttempt();
            } else {
                Instant probeDone = probe(e.getKey(), s, now);
                if (probeDone == null) {
                    allowed.add(e.getValue().get(0)); // the probe: one replacement, to see whether it lives
                }
                until = probeDone != null ? probeDone : now.plus(policy.quick());
            }
            if (until != null && (wake == null || until.isBefore(wake))) {
                wake = until;
            }
            if (shown == null || s.strikes() > shown.strikes()) {
                shown = s;
            }
        }
        GroupStatus.CrashLoop status = shown == null ? null : new GroupStatus.CrashLoop(shown.strikes(),
                personNeeded ? null : shown.nextAttempt().toString(), shown.reason());
        Duration wakeIn = wake == null ? null : maxZero(Duration.between(now, wake));
        Plan gated = allowed.size() == plan.creates().size() ? plan
                : new Plan(allowed, plan.destroys(), plan.outOfDate());
        return new Gate(gated, status, wakeIn);
    }

    /**
     * When the probe of the key (a replacement made since its last quick exit, still in the quick window) leaves
     * the window; null when no probe is out.
     */
    private Instant probe(String key, Streak s, Instant now) {
        Instant latest = null;
        int slash = key.indexOf('/');
        for (Made m : made.getOrDefault(slash < 0 ? key : key.substring(0, slash), Map.of()).values()) {
            Instant end = m.at().plus(policy.quick());
            if (m.key().equals(key) && m.at().isAfter(s.last()) && end.isAfter(now)
                    && (latest == null || end.isAfter(latest))) {
                latest = end;
            }
        }
        return latest;
    }

    /** The group is gone (or left this leader's hands). */
    void forget(String group) {
        made.remove(group);
        forgetStreaks(group);
        configs.remove(group);
    }

    void clear() {
        made.clear();
        streaks.clear();
        configs.clear();
    }

    private void forgetStreaks(String group) {
        streaks.keySet().removeIf(k -> keyOf(group, k));
    }

    private static boolean keyOf(String group, String key) {
        return key.equals(group) || key.startsWith(group + "/");
    }

    /** Cattle brake per group; pets per logical ID ({@code group/logicalID}: a group ID has no slash). */
    private static String key(String group, String logicalId) {
        return logicalId == null ? group : group + "/" + logicalId;
    }

    private static Duration maxZero(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms < 10_000 ? ms + "ms" : ms / 1000 + "s";
    }
}
