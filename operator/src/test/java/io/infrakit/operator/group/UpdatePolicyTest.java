package io.infrakit.operator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpdatePolicyTest {

    private static UpdatePolicy parse(String json) throws SpecException {
        return UpdatePolicy.parse(json == null ? null : Json.parse(json));
    }

    @Test
    void absentMeansTheDefaults() throws SpecException {
        assertThat(parse(null)).isEqualTo(UpdatePolicy.defaults());
    }

    @Test
    void readsInfraKitsFieldsAndOursWithGoDurations() throws SpecException {
        UpdatePolicy p = parse("{\"count\":3,\"SkipBeforeInstanceDestroy\":\"drain\",\"MaxParallel\":2,"
                + "\"Surge\":true,\"HealthDeadline\":\"1m30.5s\",\"OnFailure\":\"rollback\"}");
        assertThat(p).isEqualTo(new UpdatePolicy(2, true, Duration.ofSeconds(3), Duration.ofMillis(90_500),
                UpdatePolicy.OnFailure.ROLLBACK, true));
        assertThat(parse("{\"Duration\":\".5h\"}").healthyFor()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void badDurationsAreClearErrors() {
        assertThatThrownBy(() -> parse("{\"Duration\":\"30\"}")).isInstanceOf(SpecException.class)
                .hasMessage("Invalid properties: Updating.Duration: time: missing unit in duration \"30\""
                        + " (a Go duration: 500ms, 30s, 1m30s, 2h)");
        assertThatThrownBy(() -> parse("{\"HealthDeadline\":\"-1s\"}")).isInstanceOf(SpecException.class)
                .hasMessage("Invalid properties: Updating.HealthDeadline must not be negative");
        assertThatThrownBy(() -> parse("{\"HealthDeadline\":\"0s\"}")).isInstanceOf(SpecException.class)
                .hasMessage("Invalid properties: Updating.HealthDeadline must be above zero");
    }
}
