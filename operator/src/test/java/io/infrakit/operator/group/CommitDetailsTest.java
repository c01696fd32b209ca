package io.infrakit.operator.group;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a commit says it does, in InfraKit's words. */
class CommitDetailsTest {

    private static String spec(int size, String note) {
        return "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"" + note + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hi\"]}}}}";
    }

    private static String explain(String next, String current) throws SpecException {
        return CommitDetails.explain(SpecValidator.parse(null, next, 0), current);
    }

    @Test
    void aNewGroupIsManaged() throws SpecException {
        assertThat(explain(spec(3, "a"), null)).isEqualTo("Managing 3 instances");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "3|a|3|a|Noop",
        "3|a|5|a|Adding 2 instances to increase the group size to 5",
        "5|a|3|a|Terminating 2 instances to reduce the group size to 3",
        "3|a|3|b|Performing a rolling update on 3 instances",
        "3|a|5|b|Performing a rolling update on 3 instances, then adding 2 instances to increase the group size to 5",
        "5|a|2|b|Performing a rolling update on 2 instances, then terminating 3 instances to reduce the group size to 2",
        "0|a|0|b|Adjusting the instance configuration, no restarts necessary",
        "0|a|2|b|Adding 2 instances to increase the group size to 2",
    })
    void changesAreExplained(int oldSize, String oldNote, int newSize, String newNote, String details)
            throws SpecException {
        assertThat(explain(spec(newSize, newNote), spec(oldSize, oldNote))).isEqualTo(details);
    }

    @Test
    void anInvalidStoredSpecIsReplaced() throws SpecException {
        assertThat(explain(spec(2, "a"), "{not json")).isEqualTo("Managing 2 instances (replacing an invalid spec)");
    }
}
