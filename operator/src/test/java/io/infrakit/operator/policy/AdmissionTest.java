package io.infrakit.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.PluginRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Specs against policies, with the real built-ins saying what their properties ask (nothing is made or run). */
class AdmissionTest {

    @TempDir
    Path dir;

    static String spec(String id, String instance, String instanceProps, String flavor, String flavorProps) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":1},"
                + "\"Instance\":{\"Plugin\":\"" + instance + "\",\"Properties\":" + instanceProps + "},"
                + "\"Flavor\":{\"Plugin\":\"" + flavor + "\",\"Properties\":" + flavorProps + "}}}";
    }

    static String process(String id, String init) {
        return spec(id, "process", "{}", "vanilla", "{\"Init\":[\"" + init + "\"]}");
    }

    static String docker(String id, String hostConfig) {
        return spec(id, "docker", "{\"Config\":{\"Image\":\"busybox\"},\"HostConfig\":" + hostConfig + "}",
                "vanilla", "{}");
    }

    static String swarm(String url, String dockerHost) {
        return "{\"ID\":\"sw\",\"Properties\":{\"Allocation\":{\"LogicalIDs\":[\"10.0.0.1\"]},"
                + "\"Instance\":{\"Plugin\":\"file\",\"Properties\":{}},\"Flavor\":{\"Plugin\":\"swarm/manager\","
                + "\"Properties\":{\"InitScriptTemplateURL\":\"" + url + "\",\"Docker\":{\"Host\":\"" + dockerHost
                + "\"}}}}}";
    }

    private Admission admission(AdmissionPolicy policy) {
        PluginRegistry builtins = PluginRegistry.builtins(dir.resolve("f"), dir.resolve("p"), "unix:///x.sock")
                .withQemu(dir.resolve("q"))
                .registerInstance("undescribed", () -> null);
        return Admission.of(PolicySource.fixed(policy), builtins, new Keys("/infrakit"));
    }

    private String refusal(AdmissionPolicy policy, String json) throws SpecException {
        GroupDefinition def = SpecValidator.parse(null, json, 1);
        try {
            admission(policy).check(def);
        } catch (PolicyException e) {
            return e.getMessage();
        }
        throw new AssertionError("admitted: " + json);
    }

    private void admitted(AdmissionPolicy policy, String json) throws SpecException {
        admission(policy).check(SpecValidator.parse(null, json, 1));
    }

    private static AdmissionPolicy policy(String json) {
        return PolicyFile.parse(json, "test.json");
    }

    private static final AdmissionPolicy RESTRICTED = AdmissionPolicy.restricted("the built-in default");

    @Test
    void theProcessPluginRunsOnlyWhereCommandsAreAllowed() throws SpecException {
        assertThat(refusal(RESTRICTED, process("p", "id > /tmp/x"))).isEqualTo("Refused by the spec policy (the"
                + " built-in default, rule default): Instance.Plugin process: runs the flavor's init script on this"
                + " host as the operator's user (Commands is false)");
        admitted(policy("{\"Default\":{\"Commands\":true}}"), process("p", "id > /tmp/x"));
        AdmissionPolicy only = policy("{\"Default\":{\"Commands\":[\"id > /tmp/*\", \"/opt/app/run *\"]}}");
        admitted(only, process("p", "id > /tmp/x"));
        admitted(only, process("p", "/opt/app/run --port 80"));
        assertThat(refusal(only, process("p", "/opt/app/run; rm -rf /")))
                .contains("Flavor.Properties.Init[0]: \"/opt/app/run; rm -rf /\" is not an allowed command");
        assertThat(refusal(only, spec("p", "process", "{\"Env\":{\"LD_PRELOAD\":\"/tmp/e.so\"}}", "vanilla",
                "{\"Init\":[\"id > /tmp/x\"]}"))).contains("Instance.Properties.Env.LD_PRELOAD: LD_PRELOAD changes"
                + " what the allowed commands run");
        assertThat(refusal(only, spec("zk", "process", "{}", "zookeeper", "{\"Type\":\"member\"}")))
                .contains("Flavor.Plugin zookeeper: the ZooKeeper flavor's member script makes the script run on"
                        + " this host itself, so it cannot be checked line by line");
    }

    @Test
    void initLinesAreNoConcernWhereTheScriptRunsElsewhere() throws SpecException {
        admitted(RESTRICTED, spec("c", "docker", "{\"Config\":{\"Image\":\"busybox\"}}", "vanilla",
                "{\"Init\":[\"id > /tmp/x\"]}"));
        admitted(RESTRICTED, spec("f", "file", "{}", "zookeeper", "{\"Type\":\"member\"}"));
    }

    @Test
    void dockerPrivilegesAndHostMountsNeedTheirSettings() throws SpecException {
        assertThat(refusal(RESTRICTED, docker("d", "{\"Privileged\":true,\"Binds\":[\"/:/host\"]}")))
                .contains("Instance.Properties.HostConfig.Privileged: a privileged container (Containers.Privileged"
                        + " is false); Instance.Properties.HostConfig.Binds[0]: mounts host path / writable (not under"
                        + " HostPaths.ReadWrite)");
        AdmissionPolicy data = policy("{\"Default\":{\"HostPaths\":{\"ReadWrite\":[\"/srv/data\"]},"
                + "\"Containers\":{\"Capabilities\":[\"NET_BIND_SERVICE\"]}}}");
        admitted(data, docker("d", "{\"Binds\":[\"/srv/data/web:/data\"],\"CapAdd\":[\"CAP_NET_BIND_SERVICE\"]}"));
        assertThat(refusal(data, docker("d", "{\"Binds\":[\"/srv/data/../../etc:/data\"]}")))
                .contains("mounts host path /srv/data/../../etc writable");
        assertThat(refusal(data, docker("d", "{\"NetworkMode\":\"host\",\"CapAdd\":[\"SYS_ADMIN\"]}")))
                .contains("the host's network namespace (not in Containers.HostNamespaces)")
                .contains("adds capability SYS_ADMIN (not in Containers.Capabilities)");
    }

    @Test
    void urlsMayNameNoFileAndNoInternalAddressUnlessAllowed() throws SpecException {
        assertThat(refusal(RESTRICTED, swarm("file:///etc/shadow", ""))).contains("Flavor.Properties."
                + "InitScriptTemplateURL: file:///etc/shadow: scheme file: is not in URLs.Schemes");
        for (String url : new String[] {"http://127.0.0.1:8080/x", "http://[::1]/x", "http://localhost/x",
            "http://169.254.169.254/latest/meta-data/", "http://2130706433/x", "http://0.0.0.0/"}) {
            assertThat(refusal(RESTRICTED, swarm(url, ""))).as(url).contains("is an internal address");
        }
        // Not a host name to Java's URL parser (nor to its HTTP client): refused as unreadable.
        assertThat(refusal(RESTRICTED, swarm("http://0x7f.1/x", ""))).contains("names no host the policy can check");
        admitted(RESTRICTED, swarm("https://scripts.example.com/init.sh", ""));
        AdmissionPolicy one = policy("{\"Default\":{\"URLs\":{\"Schemes\":[\"https\"],\"Hosts\":[\"*.example.com\","
                + "\"127.0.0.1\"]}}}");
        admitted(one, swarm("https://scripts.example.com/init.sh", ""));
        admitted(one, swarm("https://127.0.0.1/init.sh", "")); // named: an administrator's choice
        assertThat(refusal(one, swarm("http://scripts.example.com/init.sh", ""))).contains("scheme http:");
        assertThat(refusal(one, swarm("https://example.org/init.sh", ""))).contains("host example.org is not in"
                + " URLs.Hosts");
        AdmissionPolicy files = policy("{\"Default\":{\"URLs\":{\"Schemes\":[\"file\"]},"
                + "\"HostPaths\":{\"ReadOnly\":[\"/etc/infrakit/scripts\"]}}}");
        admitted(files, swarm("file:///etc/infrakit/scripts/init.sh", ""));
        assertThat(refusal(files, swarm("file:///etc/shadow", ""))).contains("reads host path /etc/shadow");
    }

    @Test
    void dockerEnginesAreTheLocalOnesUnlessListed() throws SpecException {
        admitted(RESTRICTED, swarm("", ""));
        admitted(RESTRICTED, swarm("", "unix:///var/run/docker.sock"));
        assertThat(refusal(RESTRICTED, swarm("", "tcp://203.0.113.9:2375"))).contains("Flavor.Properties."
                + "Docker.Host: the Docker engine at tcp://203.0.113.9:2375 is not in DockerEngines");
        assertThat(refusal(RESTRICTED, swarm("", "unix:///run/containerd/containerd.sock"))).contains("not in"
                + " DockerEngines");
        AdmissionPolicy managers = policy("{\"Default\":{\"DockerEngines\":[\"tcp://10.0.0.0/24:2376\","
                + "\"tcp://*.swarm.example.com\",\"*\"]}}");
        admitted(managers, swarm("", "tcp://10.0.0.7:2376"));
        admitted(managers, swarm("", "tcp://m1.swarm.example.com:2376"));
        admitted(managers, swarm("", "tcp://203.0.113.9:2375")); // "*": any that is not internal
        assertThat(refusal(managers, swarm("", "tcp://127.0.0.1:2375"))).contains("an internal address");
    }

    @Test
    void qemuKernelsComeFromListedDirectoriesAndTheLoopbackStaysClosed() throws SpecException {
        String vm = spec("vm", "qemu", "{\"Kernel\":\"/var/lib/vm/bzImage\",\"Initrd\":\"/etc/shadow\","
                + "\"Network\":\"user\"}", "vanilla", "{}");
        assertThat(refusal(policy("{\"Default\":{\"HostPaths\":{\"ReadOnly\":[\"/var/lib/vm\"]}}}"), vm))
                .contains("Instance.Properties.Initrd: reads host path /etc/shadow (not under HostPaths)")
                .contains("Instance.Properties.Network: lets the instance reach this host's loopback services")
                .doesNotContain("bzImage");
        admitted(policy("{\"Default\":{\"HostPaths\":{\"ReadOnly\":[\"/var/lib/vm\", \"/etc\"]},"
                + "\"HostLoopback\":true}}"), vm);
    }

    @Test
    void pluginsByNameAndBuiltInsThatSayNothingOnlyWhenNamed() throws SpecException {
        String remote = spec("r", "instance-cloud", "{}", "vanilla", "{}");
        admitted(RESTRICTED, remote);
        String undescribed = spec("u", "undescribed", "{}", "vanilla", "{}");
        assertThat(refusal(RESTRICTED, undescribed)).contains("Instance.Plugin undescribed: a built-in plugin that"
                + " does not say what its properties ask of this host; name it in Plugins.Instance to allow it");
        admitted(policy("{\"Default\":{\"Plugins\":{\"Instance\":[\"undescribed\"]}}}"), undescribed);
        AdmissionPolicy dockerOnly = policy("{\"Default\":{\"Plugins\":{\"Instance\":[\"docker\"],"
                + "\"Flavor\":[\"flavor-vanilla\"]}}}");
        admitted(dockerOnly, docker("d", "{}"));
        admitted(dockerOnly, spec("d", "instance-docker", "{\"Config\":{\"Image\":\"b\"}}", "vanilla", "{}"));
        assertThat(refusal(dockerOnly, remote)).contains("Instance.Plugin instance-cloud is not in Plugins.Instance");
    }

    @Test
    void theFirstRuleCoveringTheGroupDecidesAndSaysItsName() throws SpecException {
        AdmissionPolicy rules = policy("{\"Rules\":[{\"Name\":\"lab\",\"Groups\":[\"lab-*\"],\"Commands\":true},"
                + "{\"Name\":\"elsewhere\",\"Prefixes\":[\"/other\"],\"Commands\":true}]}");
        admitted(rules, process("lab-1", "id"));
        assertThat(refusal(rules, process("prod-1", "id"))).startsWith("Refused by the spec policy (test.json, rule"
                + " Default): ");
    }

    @Test
    void noPolicyAdmitsAllAndABrokenOneNothing() throws SpecException {
        admitted(AdmissionPolicy.none("dev mode"), docker("d", "{\"Privileged\":true}"));
        assertThat(refusal(AdmissionPolicy.broken("etcd key /infrakit/policy", "not JSON"), docker("d", "{}")))
                .isEqualTo("Refused: the spec policy etcd key /infrakit/policy cannot be used (not JSON); nothing is"
                        + " admitted until it is fixed");
    }

    @Test
    void propertiesNoPluginCanReadAreInvalidNotRefused() throws SpecException {
        GroupDefinition bad = SpecValidator.parse(null, spec("d", "docker", "{\"HostConfig\":{}}", "vanilla", "{}"), 1);
        assertThatThrownBy(() -> admission(RESTRICTED).check(bad)).isExactlyInstanceOf(SpecException.class)
                .hasMessage("Failed to find Instance plugin 'docker':Config should be set");
        assertThatCode(() -> Admission.none().check(bad)).doesNotThrowAnyException();
    }
}
