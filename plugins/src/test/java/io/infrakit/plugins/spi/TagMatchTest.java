package io.infrakit.plugins.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TagMatchTest {

    private static final Map<String, String> TAGS = Map.of("infrakit.group", "g", "tier", "web", "empty", "");

    @Test
    void everyFilterTagMustBePresentWithItsValue() {
        assertThat(TagMatch.matches(TAGS, Map.of("infrakit.group", "g"))).isTrue();
        assertThat(TagMatch.matches(TAGS, Map.of("infrakit.group", "g", "tier", "web"))).isTrue();
        assertThat(TagMatch.matches(TAGS, Map.of("infrakit.group", "g", "tier", "db"))).isFalse();
        assertThat(TagMatch.matches(TAGS, Map.of("other", "x"))).isFalse();
    }

    @Test
    void noFilterMatchesAllAndNoTagsMatchOnlyNoFilter() {
        assertThat(TagMatch.matches(TAGS, Map.of())).isTrue();
        assertThat(TagMatch.matches(TAGS, null)).isTrue();
        assertThat(TagMatch.matches(null, Map.of())).isTrue();
        assertThat(TagMatch.matches(null, Map.of("a", "b"))).isFalse();
    }

    @Test
    void anEmptyValueNeedsTheTagPresent() {
        assertThat(TagMatch.matches(TAGS, Map.of("empty", ""))).isTrue();
        assertThat(TagMatch.matches(TAGS, Map.of("absent", ""))).isFalse();
    }
}
