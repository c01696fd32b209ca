package io.infrakit.plugins.docker;

import static io.infrakit.plugins.access.HostRequest.Kind.CAPABILITY;
import static io.infrakit.plugins.access.HostRequest.Kind.DEVICE;
import static io.infrakit.plugins.access.HostRequest.Kind.ENGINE_SETTING;
import static io.infrakit.plugins.access.HostRequest.Kind.HOST_NAMESPACE;
import static io.infrakit.plugins.access.HostRequest.Kind.HOST_PATH_READ;
import static io.infrakit.plugins.access.HostRequest.Kind.HOST_PATH_WRITE;
import static io.infrakit.plugins.access.HostRequest.Kind.LISTEN;
import static io.infrakit.plugins.access.HostRequest.Kind.PRIVILEGED;
import static io.infrakit.plugins.access.HostRequest.Kind.SECURITY_OPTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerHostAccessTest {

    private static List<HostRequest> requests(String hostConfig) {
        return DockerInstancePlugin.HOST_ACCESS.requests(Json.parse("{\"Config\":{\"Image\":\"busybox\"},"
                + "\"HostConfig\":" + hostConfig + "}"));
    }

    @Test
    void aPlainContainerAsksNothingOfTheHost() {
        assertThat(requests("{\"Memory\":67108864,\"RestartPolicy\":{\"Name\":\"no\"},\"CapDrop\":[\"ALL\"],"
                + "\"Privileged\":false,\"SecurityOpt\":[\"no-new-privileges:true\"],\"NetworkMode\":\"bridge\"}"))
                .isEmpty();
        assertThat(DockerInstancePlugin.HOST_ACCESS.requests(Json.parse("{\"Config\":{\"Image\":\"busybox\"}}")))
                .isEmpty();
    }

    @Test
    void privilegesMountsAndNamespacesAreNamedWithTheirFields() {
        assertThat(requests("{\"Privileged\":true,\"Binds\":[\"/:/host\",\"/srv/conf:/conf:ro,z\",\"data:/data\"],"
                + "\"NetworkMode\":\"host\",\"PidMode\":\"container:db\",\"CapAdd\":[\"cap_sys_admin\"],"
                + "\"Devices\":[{\"PathOnHost\":\"/dev/kvm\",\"PathInContainer\":\"/dev/kvm\"}],"
                + "\"SecurityOpt\":[\"seccomp=unconfined\"],\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"\","
                + "\"HostPort\":\"8080\"},{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8081\"}]}}"))
                .containsExactly(
                        HostRequest.of(PRIVILEGED, "", "HostConfig.Privileged"),
                        HostRequest.of(HOST_PATH_WRITE, "/", "HostConfig.Binds[0]"),
                        HostRequest.of(HOST_PATH_READ, "/srv/conf", "HostConfig.Binds[1]"),
                        HostRequest.of(HOST_NAMESPACE, "network", "HostConfig.NetworkMode"),
                        HostRequest.of(HOST_NAMESPACE, "container", "HostConfig.PidMode"),
                        HostRequest.of(CAPABILITY, "SYS_ADMIN", "HostConfig.CapAdd[0]"),
                        HostRequest.of(DEVICE, "/dev/kvm", "HostConfig.Devices[0]"),
                        HostRequest.of(SECURITY_OPTION, "seccomp=unconfined", "HostConfig.SecurityOpt[0]"),
                        HostRequest.of(LISTEN, "0.0.0.0", "HostConfig.PortBindings.80/tcp[0]"),
                        HostRequest.of(LISTEN, "127.0.0.1", "HostConfig.PortBindings.80/tcp[1]"));
    }

    @Test
    void keysAreReadAsTheEngineReadsThemInAnyCaseAndGoFolding() {
        // The engine decodes JSON keys as Go does: any case, and the long s (U+017F) and Kelvin sign fold too.
        assertThat(requests("{\"privileged\":true,\"bindſ\":[\"/etc:/e\"],\"CAPADD\":[\"NET_ADMIN\"]}"))
                .extracting(HostRequest::kind).containsExactly(PRIVILEGED, HOST_PATH_WRITE, CAPABILITY);
        assertThat(requests("{\"Privileged\":\"yes\"}")).extracting(HostRequest::kind).containsExactly(PRIVILEGED);
    }

    @Test
    void mountsVolumesWithDriverOptionsAndUnknownSettingsAreReported() {
        assertThat(requests("{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/var/run/docker.sock\",\"Target\":\"/s\"},"
                + "{\"Type\":\"bind\",\"Source\":\"/srv\",\"Target\":\"/srv\",\"ReadOnly\":true},"
                + "{\"Type\":\"tmpfs\",\"Target\":\"/tmp\"},{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\","
                + "\"VolumeOptions\":{\"DriverConfig\":{\"Name\":\"local\",\"Options\":{\"o\":\"bind\","
                + "\"device\":\"/etc\"}}}}],\"Sysctls\":{\"net.ipv4.ip_forward\":\"1\"},\"VolumesFrom\":[\"x\"],"
                + "\"ReadonlyPaths\":[],\"UsernsMode\":\"host\",\"PublishAllPorts\":true}"))
                .containsExactly(
                        HostRequest.of(HOST_PATH_WRITE, "/var/run/docker.sock", "HostConfig.Mounts[0]"),
                        HostRequest.of(HOST_PATH_READ, "/srv", "HostConfig.Mounts[1]"),
                        HostRequest.of(ENGINE_SETTING, "Mounts.VolumeOptions.DriverConfig", "HostConfig.Mounts[3]"),
                        HostRequest.of(ENGINE_SETTING, "Sysctls", "HostConfig.Sysctls"),
                        HostRequest.of(ENGINE_SETTING, "VolumesFrom", "HostConfig.VolumesFrom"),
                        HostRequest.of(SECURITY_OPTION, "systempaths=unconfined", "HostConfig.ReadonlyPaths"),
                        HostRequest.of(HOST_NAMESPACE, "userns", "HostConfig.UsernsMode"),
                        HostRequest.of(LISTEN, "0.0.0.0", "HostConfig.PublishAllPorts"));
    }

    @Test
    void dockersHostNetworkJoinedByAttachmentIsTheHostsNetwork() {
        assertThat(DockerInstancePlugin.HOST_ACCESS.requests(Json.parse("{\"Config\":{\"Image\":\"busybox\","
                + "\"NetworkingConfig\":{}},\"NetworkAttachments\":[{\"Name\":\"host\"},{\"Name\":\"app\"}]}")))
                .containsExactly(HostRequest.of(HOST_NAMESPACE, "network", "NetworkAttachments.host"),
                        HostRequest.of(ENGINE_SETTING, "NetworkingConfig", "Config.NetworkingConfig"));
    }

    @Test
    void propertiesThePluginCannotReadAreInvalid() {
        assertThatThrownBy(() -> DockerInstancePlugin.HOST_ACCESS.requests(Json.parse("{\"HostConfig\":{}}")))
                .isInstanceOf(PluginException.class).hasMessageContaining("Config should be set");
    }
}
