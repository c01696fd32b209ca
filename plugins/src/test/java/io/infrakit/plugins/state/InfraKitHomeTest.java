package io.infrakit.plugins.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfraKitHomeTest {

    @Test
    void homeComesFromTheEnvironmentNotThePasswordDatabase() {
        assertThat(InfraKitHome.dir(Map.of("HOME", "/somewhere/else"))).isEqualTo(Path.of("/somewhere/else/.infrakit"));
        assertThat(InfraKitHome.dir(Map.of("HOME", "/h", "INFRAKIT_HOME", "/ik"))).isEqualTo(Path.of("/ik"));
        assertThat(InfraKitHome.dir(Map.of("HOME", " ", "INFRAKIT_HOME", "")))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".infrakit"));
    }
}
