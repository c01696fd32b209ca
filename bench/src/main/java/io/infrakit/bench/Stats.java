package io.infrakit.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles of a set of samples, in milliseconds (nearest-rank). */
final class Stats {

    private final List<Double> samples = new ArrayList<>();

    void add(double millis) {
        samples.add(millis);
    }

    int count() {
        return samples.size();
    }

    double percentile(double p) {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    String summary() {
        return String.format("n=%d p50=%.0f ms p90=%.0f ms p99=%.0f ms max=%.0f ms", count(), percentile(50),
                percentile(90), percentile(99), percentile(100));
    }

    /** As {@link #summary}, to a tenth of a millisecond. */
    String detail() {
        return String.format("n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms", count(), percentile(50),
                percentile(90), percentile(99), percentile(100));
    }
}
