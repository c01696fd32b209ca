package io.infrakit.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.spi.PluginException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyGuardTest {

    /** A DNS of the test's own. */
    private static final Map<String, String> DNS = Map.of("rebind.example.com", "127.0.0.1",
            "scripts.example.com", "93.184.216.34", "metadata.example.com", "169.254.169.254",
            "scripts.corp", "127.0.0.1", "manager.example.com", "::1");

    private static PolicyGuard guard(AdmissionPolicy policy) {
        return new PolicyGuard(PolicySource.fixed(policy), host -> {
            String a = DNS.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddresses.forString(a)};
        });
    }

    private static HostRequest url(String url) {
        return HostRequest.of(HostRequest.Kind.FETCH_URL, url, "InitScriptTemplateURL");
    }

    private static final AdmissionPolicy RESTRICTED = AdmissionPolicy.restricted("default");

    @Test
    void aNameThatResolvesToAnInternalAddressIsRefusedLikeTheAddress() {
        assertThatThrownBy(() -> guard(RESTRICTED).check(url("http://rebind.example.com:8080/x")))
                .isInstanceOf(PluginException.class).hasMessage("InitScriptTemplateURL: refused by the spec policy"
                        + " (default): http://rebind.example.com:8080/x: rebind.example.com resolves to 127.0.0.1, an"
                        + " internal address (loopback, link-local or cloud metadata), and InternalAddresses is false");
        assertThatThrownBy(() -> guard(RESTRICTED).check(url("https://metadata.example.com/")))
                .hasMessageContaining("resolves to 169.254.169.254");
        assertThatCode(() -> guard(RESTRICTED).check(url("https://scripts.example.com/x"))).doesNotThrowAnyException();
        assertThatCode(() -> guard(RESTRICTED).check(url("https://unknown.example.com/x")))
                .doesNotThrowAnyException(); // nothing to connect to: the fetch fails by itself
    }

    @Test
    void whatIsRefusedAsWrittenIsRefusedBeforeAnyLookup() {
        PolicyGuard noDns = new PolicyGuard(PolicySource.fixed(RESTRICTED), host -> {
            throw new AssertionError("looked up " + host);
        });
        assertThatThrownBy(() -> noDns.check(url("file:///etc/shadow"))).hasMessageContaining("scheme file:");
        assertThatThrownBy(() -> noDns.check(url("http://127.0.0.1:1/"))).hasMessageContaining("internal address");
        assertThatThrownBy(() -> noDns.check(HostRequest.of(HostRequest.Kind.DOCKER_ENGINE, "tcp://203.0.113.5:2375",
                "Docker.Host"))).hasMessageContaining("is not in DockerEngines");
    }

    @Test
    void aHostTheAdministratorNamedMayResolveAnywhere() {
        AdmissionPolicy named = PolicyFile.parse("{\"Default\":{\"URLs\":{\"Hosts\":[\"scripts.corp\"]},"
                + "\"DockerEngines\":[\"tcp://manager.example.com:2376\", \"tcp://*.example.com\"]}}", "p");
        assertThatCode(() -> guard(named).check(url("http://scripts.corp/init.sh"))).doesNotThrowAnyException();
        assertThatCode(() -> guard(named).check(HostRequest.of(HostRequest.Kind.DOCKER_ENGINE,
                "tcp://manager.example.com:2376", "Docker.Host"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> guard(named).check(HostRequest.of(HostRequest.Kind.DOCKER_ENGINE,
                "tcp://rebind.example.com:2376", "Docker.Host"))).hasMessageContaining("resolves to 127.0.0.1");
    }

    @Test
    void aPluginThatDoesNotKnowTheGroupPassesWhatAnyRuleAllows() {
        AdmissionPolicy lab = PolicyFile.parse("{\"Rules\":[{\"Groups\":[\"lab-*\"],\"InternalAddresses\":true}]}",
                "p");
        assertThatCode(() -> guard(lab).check(url("http://127.0.0.1:8080/x"))).doesNotThrowAnyException();
        assertThatCode(() -> guard(AdmissionPolicy.none("dev")).check(url("file:///etc/shadow")))
                .doesNotThrowAnyException();
        assertThat(RESTRICTED.enforcing()).isTrue();
    }
}
