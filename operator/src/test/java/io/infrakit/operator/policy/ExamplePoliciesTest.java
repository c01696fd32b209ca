package io.infrakit.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.vagrant.VagrantSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policies in docs/examples do what docs/security.md says: the tutorials' own specs pass the tutorials' policy
 * on a real etcd, where the built-in default refuses them.
 */
class ExamplePoliciesTest {

    private static final Path EXAMPLES = Path.of("..", "docs", "examples");

    /** The ZooKeeper tutorial's spec, as its page writes it. */
    private static final String ZK = "{\"ID\":\"zk\",\"Properties\":{\"Allocation\":{\"LogicalIDs\":[\"127.0.0.11\","
            + "\"127.0.0.12\",\"127.0.0.13\"]},\"Instance\":{\"Plugin\":\"process\",\"Properties\":{}},"
            + "\"Flavor\":{\"Plugin\":\"zookeeper\",\"Properties\":{\"Type\":\"member\",\"TickTime\":2000,"
            + "\"DataDir\":\"/root/.infrakit/zookeeper\",\"JavaOpts\":\"-Xmx128m\"}}}}";
    /** The QEMU tutorial's VM with a forwarded port. */
    private static final String WWW = "{\"ID\":\"www\",\"Properties\":{\"Allocation\":{\"Size\":1},"
            + "\"Instance\":{\"Plugin\":\"qemu\",\"Properties\":{\"Kernel\":\"/tmp/infrakit-qemu-guest/vmlinuz\","
            + "\"Initrd\":\"/tmp/infrakit-qemu-guest/initramfs.cpio.gz\",\"Network\":\"user\","
            + "\"Forwards\":[{\"Host\":8081,\"Guest\":80}]}},\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{}}}}";

    @TempDir
    Path dir;

    private Admission admission(AdmissionPolicy policy) {
        return Admission.of(PolicySource.fixed(policy), PluginRegistry.builtins(dir.resolve("f"), dir.resolve("p"),
                "unix:///x.sock").withQemu(dir.resolve("q")).withTerraform(dir.resolve("t"), "tofu")
                .withVagrant(VagrantSettings.defaults(dir.resolve("v"))), new Keys("/infrakit"));
    }

    private static AdmissionPolicy example(String name) throws IOException {
        return PolicyFile.parse(Files.readString(EXAMPLES.resolve(name)), name);
    }

    @Test
    void theTutorialsPolicyAdmitsTheTutorialsSpecsThatTheDefaultRefuses() throws Exception {
        Admission tutorials = admission(example("policy-tutorials.json"));
        Admission restricted = admission(AdmissionPolicy.restricted("default"));
        for (String spec : new String[] {ZK, WWW, Files.readString(EXAMPLES.resolve("swarm-managers.json")),
            Files.readString(EXAMPLES.resolve("swarm-workers.json")),
            Files.readString(EXAMPLES.resolve("qemu-vms.json")), Files.readString(EXAMPLES.resolve("qemu-pets.json")),
            Files.readString(EXAMPLES.resolve("terraform-web.json")),
            Files.readString(EXAMPLES.resolve("vagrant-web.json"))}) {
            tutorials.check(SpecValidator.parse(null, spec, 1));
            assertThatThrownBy(() -> restricted.check(SpecValidator.parse(null, spec, 1)))
                    .isInstanceOf(PolicyException.class);
        }
        tutorials.check(SpecValidator.parse(null, Files.readString(EXAMPLES.resolve("web.json")), 1));
        restricted.check(SpecValidator.parse(null, Files.readString(EXAMPLES.resolve("web.json")), 1));
    }

    @Test
    void theProductionExampleReadsAndKeepsTheTutorialsOut() throws Exception {
        Admission production = admission(example("policy.json"));
        production.check(SpecValidator.parse(null, ZK, 1));
        assertThatThrownBy(() -> production.check(SpecValidator.parse(null, ZK.replace("\"zk\"", "\"web\""), 1)))
                .hasMessageContaining("Instance.Plugin process: runs the flavor's init script");
        assertThat(refusal(production, Files.readString(EXAMPLES.resolve("swarm-workers.json"))))
                .contains("adds capability ALL").contains("the Docker engine at tcp://10.213.60.10:2375");
    }

    private static String refusal(Admission admission, String spec) throws SpecException {
        try {
            admission.check(SpecValidator.parse(null, spec, 1));
        } catch (PolicyException e) {
            return e.getMessage();
        }
        throw new AssertionError("admitted");
    }
}
