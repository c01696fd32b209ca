package io.infrakit.plugins.supervision;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which exits are held back: replacements that die young, one after the other. */
class CrashLoopsTest {

    private static final long S = 1_000_000_000L;

    /** An exit as the arguments of {@link CrashLoops#delay}. */
    private record Exit(String group, Duration lived, long atNanos) {
    }

    private static Exit exit(String group, long startedAt, long exitedAt) {
        return new Exit(group, Duration.ofNanos(exitedAt - startedAt), exitedAt);
    }

    private static Duration delay(CrashLoops loops, Exit e) {
        return loops.delay(e.group(), e.lived(), e.atNanos());
    }

    @Test
    void replacementsThatDieYoungAreReportedLaterAndLater() {
        CrashLoops loops = new CrashLoops();
        long t = 100 * S;
        assertThat(delay(loops, exit("g", t, t + S / 100))).isZero();
        t += S / 10;
        assertThat(delay(loops, exit("g", t, t + S / 100))).isEqualTo(Duration.ofMillis(250));
        t += S / 10;
        assertThat(delay(loops, exit("g", t, t + S / 100))).isEqualTo(Duration.ofMillis(500));
        t += S / 10;
        assertThat(delay(loops, exit("g", t, t + S / 100))).isEqualTo(Duration.ofMillis(1000));
        assertThat(loops.streak("g")).isEqualTo(4);
        assertThat(delay(loops, exit("other", t, t + S / 100))).as("per group").isZero();
        for (int i = 0; i < 20; i++) {
            t += S / 10;
            delay(loops, exit("g", t, t + S / 100));
        }
        t += S / 10;
        assertThat(delay(loops, exit("g", t, t + S / 100))).isEqualTo(CrashLoops.MAX_DELAY);
        t += 10 * S;
        assertThat(delay(loops, exit("g", t, t + 2 * S))).as("one that ran ends the streak").isZero();
        assertThat(loops.streak("g")).isZero();
        t += 3 * S;
        assertThat(delay(loops, exit("g", t, t + S / 100))).isZero();
    }

    @Test
    void instancesKilledTogetherAreNoStreak() {
        CrashLoops loops = new CrashLoops();
        long started = 100 * S;
        for (int i = 0; i < 5; i++) {
            assertThat(delay(loops, exit("g", started, started + S / 2 + i))).isZero();
        }
        assertThat(delay(loops, new Exit("g", null, started + S))).as("lifetime unknown").isZero();
    }
}
