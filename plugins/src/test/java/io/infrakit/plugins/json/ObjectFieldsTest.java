package io.infrakit.plugins.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ObjectFieldsTest {

    @Test
    void foldsCaseAsGoEncodingJsonDoes() {
        assertThat(ObjectFields.foldEquals("LogicalIDs", "logicalids")).isTrue();
        assertThat(ObjectFields.foldEquals("LogicalIDs", "LOGICALIDS")).isTrue();
        assertThat(ObjectFields.foldEquals("Size", "\u017Fize")).isTrue(); // long s folds to s
        assertThat(ObjectFields.foldEquals("Kind", "\u212Aind")).isTrue(); // Kelvin sign folds to k
        assertThat(ObjectFields.foldEquals("ID", "\u0131d")).isFalse(); // dotless i does not fold to i
        assertThat(ObjectFields.foldEquals("ID", "IDs")).isFalse();
        assertThat(ObjectFields.foldEquals("Init", "Ini")).isFalse();
    }

    @Test
    void nullIsAbsentAndTheLastMatchingKeyWins() {
        ObjectFields fields = ObjectFields.of(Json.parse("{\"a\":null,\"B\":\"1\",\"b\":\"2\"}"), "P", IllegalStateException::new);

        assertThat(fields.get("A")).isNull();
        assertThat(fields.string("b")).isEqualTo("2");
        assertThat(fields.get("missing")).isNull();
    }

    @Test
    void errorsComeFromTheCallersFactoryWithThePath() {
        ObjectFields fields = ObjectFields.of(Json.parse("{\"x\":{\"y\":[true]}}"), "P", IllegalStateException::new);

        assertThatThrownBy(() -> fields.object("x").stringList("y"))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("P.x.y[0] must be a string, got boolean");
        assertThatThrownBy(() -> ObjectFields.of(Json.parse("1"), "", IllegalStateException::new))
                .hasMessage("the document must be a JSON object, got number");
    }
}
