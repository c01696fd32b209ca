package io.infrakit.operator.group;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.group.SpecException;
import io.infrakit.plugins.json.GoDuration;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How a group rolls to a new config: {@code Properties.Updating}. InfraKit's fields ({@code Count},
 * {@code Duration}, {@code SkipBeforeInstanceDestroy}) are accepted; ours add batch size, surge, a health deadline
 * and what to do on failure.
 *
 * @param maxParallel    instances replaced per batch (pets: always one)
 * @param surge          create the replacements first, then destroy the old ones (cattle only)
 * @param healthyFor     how long a batch must stay healthy before the next one starts
 * @param healthDeadline how long a new instance may take to become healthy before the update fails
 * @param onFailure      pause (default), continue, or rollback
 * @param skipDrain      do not call Flavor.Drain before destroying an old instance
 */
public record UpdatePolicy(int maxParallel, boolean surge, Duration healthyFor, Duration healthDeadline,
                           OnFailure onFailure, boolean skipDrain) {

    public enum OnFailure { PAUSE, CONTINUE, ROLLBACK }

    /** InfraKit's Count: consecutive healthy observations, one this far apart. */
    public static final Duration HEALTH_POLL = Duration.ofSeconds(1);

    public static UpdatePolicy defaults() {
        return new UpdatePolicy(1, false, Duration.ZERO, Duration.ofMinutes(10), OnFailure.PAUSE, false);
    }

    /** Reads {@code Properties.Updating} (keys case-insensitive); null means the defaults. */
    public static UpdatePolicy parse(JsonNode updating) throws SpecException {
        UpdatePolicy d = defaults();
        if (updating == null || updating.isNull()) {
            return d;
        }
        if (!updating.isObject()) {
            throw new SpecException("Invalid properties: Updating must be an object");
        }
        int maxParallel = d.maxParallel();
        boolean surge = d.surge();
        Duration healthyFor = d.healthyFor();
        Duration deadline = d.healthDeadline();
        OnFailure onFailure = d.onFailure();
        boolean skipDrain = false;
        for (Map.Entry<String, JsonNode> e : updating.properties()) {
            JsonNode v = e.getValue();
            switch (e.getKey().toLowerCase(Locale.ROOT)) {
                case "count" -> healthyFor = HEALTH_POLL.multipliedBy(nonNegative("Count", v));
                case "duration", "healthyfor" -> healthyFor = duration("Updating." + e.getKey(), v);
                case "skipbeforeinstancedestroy" -> skipDrain = "drain".equalsIgnoreCase(v.asText());
                case "maxparallel" -> maxParallel = (int) Math.max(1, nonNegative("MaxParallel", v));
                case "surge" -> {
                    if (!v.isBoolean()) {
                        throw new SpecException("Invalid properties: Updating.Surge must be true or false");
                    }
                    surge = v.asBoolean();
                }
                case "healthdeadline" -> deadline = duration("Updating.HealthDeadline", v);
                case "onfailure" -> onFailure = onFailure(v.asText());
                default -> throw new SpecException("Invalid properties: unknown field Updating." + e.getKey()
                        + " (known: Count, Duration, SkipBeforeInstanceDestroy, MaxParallel, Surge, HealthyFor,"
                        + " HealthDeadline, OnFailure)");
            }
        }
        if (deadline.isZero()) {
            throw new SpecException("Invalid properties: Updating.HealthDeadline must be above zero");
        }
        return new UpdatePolicy(maxParallel, surge, healthyFor, deadline, onFailure, skipDrain);
    }

    private static long nonNegative(String field, JsonNode v) throws SpecException {
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new SpecException("Invalid properties: Updating." + field + " must be a non-negative integer");
        }
        return v.asLong();
    }

    private static Duration duration(String field, JsonNode v) throws SpecException {
        Duration d;
        try {
            d = GoDuration.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw new SpecException("Invalid properties: " + field + ": " + e.getMessage()
                    + " (a Go duration: 500ms, 30s, 1m30s, 2h)");
        }
        if (d.isNegative()) {
            throw new SpecException("Invalid properties: " + field + " must not be negative");
        }
        return d;
    }

    private static OnFailure onFailure(String s) throws SpecException {
        try {
            return OnFailure.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SpecException("Invalid properties: Updating.OnFailure must be pause, continue or rollback");
        }
    }
}
