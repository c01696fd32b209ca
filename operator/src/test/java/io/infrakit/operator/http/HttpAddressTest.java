package io.infrakit.operator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpAddressTest {

    @Test
    void parsesTheForms() {
        assertThat(HttpAddress.parse(null)).isEqualTo(new HttpAddress("127.0.0.1", 9095));
        assertThat(HttpAddress.parse("off")).isNull();
        assertThat(HttpAddress.parse("OFF")).isNull();
        assertThat(HttpAddress.parse(":8080")).isEqualTo(new HttpAddress("127.0.0.1", 8080));
        assertThat(HttpAddress.parse("0.0.0.0:9095")).isEqualTo(new HttpAddress("0.0.0.0", 9095));
        assertThat(HttpAddress.parse("[::1]:9095")).isEqualTo(new HttpAddress("::1", 9095));
        assertThat(new HttpAddress("::1", 9095)).hasToString("[::1]:9095");
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> HttpAddress.parse("9095")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> HttpAddress.parse("localhost:http")).hasMessageContaining("bad port");
        assertThatThrownBy(() -> HttpAddress.parse("localhost:70000")).hasMessageContaining("bad port");
    }
}
