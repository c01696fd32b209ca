package io.infrakit.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyFileTest {

    private static AdmissionPolicy parse(String json) {
        return PolicyFile.parse(json, "p.json");
    }

    @Test
    void anEmptyPolicyIsTheBuiltInDefault() {
        AdmissionPolicy p = parse("{}");
        assertThat(p.enforcing()).isTrue();
        assertThat(p.ruleFor("/infrakit", "web").profile()).isEqualTo(Profile.RESTRICTED);
        assertThat(p).hasToString("p.json (1 rule)");
    }

    @Test
    void theDefaultFillsWhatItDoesNotSayFromTheBuiltInAndRulesFromTheDefaultFieldByField() {
        AdmissionPolicy p = parse("{\"Default\":{\"Containers\":{\"Capabilities\":[\"cap_net_admin\"]},"
                + "\"URLs\":{\"Hosts\":[\"*.example.com\"]}},"
                + "\"Rules\":[{\"Name\":\"ci\",\"Groups\":[\"ci-*\"],\"Containers\":{\"Privileged\":true}}]}");
        Profile base = p.ruleFor("/infrakit", "web").profile();
        assertThat(base.containers().capabilities()).containsExactly("NET_ADMIN");
        assertThat(base.containers().privileged()).isFalse();
        assertThat(base.urls().schemes()).containsExactly("https", "http");
        assertThat(base.urls().hosts()).containsExactly("*.example.com");
        AdmissionPolicy.Rule ci = p.ruleFor("/infrakit", "ci-7");
        assertThat(ci.name()).isEqualTo("\"ci\"");
        assertThat(ci.profile().containers().privileged()).isTrue();
        assertThat(ci.profile().containers().capabilities()).containsExactly("NET_ADMIN");
        assertThat(ci.profile().urls().hosts()).containsExactly("*.example.com");
    }

    @Test
    void rulesMayBeForSomePrefixes() {
        AdmissionPolicy p = parse("{\"Rules\":[{\"Prefixes\":[\"/lab/\"],\"Commands\":true}]}");
        assertThat(p.ruleFor("/lab", "x").profile().commands().any()).isTrue();
        assertThat(p.ruleFor("/infrakit", "x").profile().commands().none()).isTrue();
        assertThat(p.ruleFor("/lab", "x").name()).isEqualTo("\"Rules[0]\"");
    }

    @Test
    void mistakesAreRefusedWithWhereTheyAre() {
        assertThatThrownBy(() -> parse("{\"Default\":{\"Containers\":{\"Privilged\":true}}}"))
                .hasMessageStartingWith("policy p.json: unknown field Default.Containers.Privilged (known: ");
        assertThatThrownBy(() -> parse("{\"Rules\":[{\"Commands\":\"yes\"}]}"))
                .hasMessage("policy p.json: Rules[0].Commands must be a list of strings, got string");
        assertThatThrownBy(() -> parse("{\"Default\":{\"HostPaths\":{\"ReadWrite\":[\"srv\"]}}}"))
                .hasMessage("policy p.json: Default.HostPaths.ReadWrite[0] \"srv\" must be an absolute path");
        assertThatThrownBy(() -> parse("{\"Default\":{\"DockerEngines\":[\"ssh://h\"]}}"))
                .hasMessageContaining("Default.DockerEngines[0] \"ssh://h\" must be *, unix:///path or tcp://");
        assertThatThrownBy(() -> parse("{\"Default\":{\"URLs\":{\"Hosts\":[\"10.0.0.0/33\"]}}}"))
                .hasMessageContaining("is not a valid address block");
        assertThatThrownBy(() -> parse("{\"Default\":{\"Containers\":{\"HostNamespaces\":[\"net\"]}}}"))
                .hasMessageContaining("\"net\" is not one of");
        assertThatThrownBy(() -> parse("{\"Default\":{\"InternalAddresses\":\"true\"}}"))
                .hasMessage("policy p.json: Default.InternalAddresses must be true or false, got string");
        assertThatThrownBy(() -> parse("[]")).hasMessage("policy p.json: the document must be an object, got array");
        assertThatThrownBy(() -> parse("{")).hasMessageStartingWith("policy p.json is not valid JSON");
    }

    @Test
    void theRestrictedDefaultIsWhatTheDocsSay() {
        Profile r = Profile.RESTRICTED;
        assertThat(r.commands().none()).isTrue();
        assertThat(r.hostPaths().readOnly()).isEmpty();
        assertThat(r.hostPaths().readWrite()).isEmpty();
        assertThat(r.containers().privileged()).isFalse();
        assertThat(r.dockerEngines()).isEqualTo(List.of("unix:///var/run/docker.sock"));
        assertThat(r.internalAddresses()).isFalse();
        assertThat(r.hostLoopback()).isFalse();
        assertThat(r.plugins().instance()).containsExactly("*");
    }
}
