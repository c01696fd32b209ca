package io.infrakit.plugins.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation and rendering as InfraKit's flavor does them; health against addresses where nothing answers. */
class ZooKeeperFlavorPluginTest {

    static final Allocation ENSEMBLE = Allocation.ofLogicalIds(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));

    private final ZooKeeperFlavorPlugin flavor = new ZooKeeperFlavorPlugin();

    private static InstanceSpec spec(String logicalId) {
        return new InstanceSpec(null, Map.of(Tags.GROUP, "zk"), "", logicalId, null);
    }

    @Test
    void validateGivesInfraKitsMessages() {
        assertThatThrownBy(() -> flavor.validate(Json.parse("{\"Type\":\"worker\"}"), ENSEMBLE))
                .hasMessage("Unrecognized node Type");
        assertThatThrownBy(() -> flavor.validate(Json.parse("{\"Type\":\"member\"}"), Allocation.ofSize(3)))
                .hasMessage("IP addresses are required as LogicalIDs for a ZooKeeper ensemble");
        assertThatThrownBy(() -> flavor.validate(Json.parse("{\"Type\":\"member\",\"TickTime\":\"fast\"}"), ENSEMBLE))
                .hasMessageContaining("Properties.TickTime");
        assertThatThrownBy(() -> flavor.validate(Json.parse("{\"Type\":\"member\"}"),
                Allocation.ofLogicalIds(List.of("10.0.0.1; rm -rf /")))).hasMessageContaining("not an address");
        flavor.validate(Json.parse("{\"Type\":\"member\",\"UseDocker\":false}"), ENSEMBLE);
    }

    @Test
    void prepareRendersTheMembersConfigWithItsMyidAndEveryServer() {
        InstanceSpec prepared = flavor.prepare(Json.parse("{\"Type\":\"member\",\"TickTime\":500,"
                + "\"DataDir\":\"/srv/zk\",\"ClientPort\":2281}"), spec("10.0.0.2"), ENSEMBLE, new Index("zk", 3));
        String init = prepared.init();
        assertThat(init).contains("member='/srv/zk/10.0.0.2'\n", "echo 2 > \"$member/data/myid\"\n",
                "tickTime=500\n", "dataDir=/srv/zk/10.0.0.2/data\n", "clientPort=2281\n",
                "clientPortAddress=10.0.0.2\n", "4lw.commands.whitelist=srvr,ruok,mntr\n",
                "admin.enableServer=false\n", "server.1=10.0.0.1:2888:3888\nserver.2=10.0.0.2:2888:3888\n"
                        + "server.3=10.0.0.3:2888:3888\n");
        assertThat(init).endsWith("exec 'java' -Xmx256m -cp '" + ZooKeeperSpec.DEFAULT_CLASS_PATH + "' "
                + InitScript.MAIN + " \"$member/zoo.cfg\"\n");
        assertThat(prepared.tags()).containsEntry(Tags.GROUP, "zk").containsEntry(ZooKeeperFlavorPlugin.MYID_TAG, "2");
        assertThat(prepared.logicalId()).isEqualTo("10.0.0.2");
    }

    @Test
    void prepareKeepsAnEarlierInitAndNeedsAKnownLogicalId() {
        InstanceSpec earlier = new InstanceSpec(null, null, "echo first", "10.0.0.1", null);
        assertThat(flavor.prepare(Json.parse("{\"Type\":\"member\"}"), earlier, ENSEMBLE, new Index("zk", 3)).init())
                .startsWith("echo first\nset -e\n").contains("echo 1 > ");
        assertThatThrownBy(() -> flavor.prepare(Json.parse("{\"Type\":\"member\"}"), spec(null), ENSEMBLE,
                new Index("zk", 3))).hasMessage("Manager nodes require an assigned logical ID");
        assertThatThrownBy(() -> flavor.prepare(Json.parse("{\"Type\":\"member\"}"), spec("10.9.9.9"), ENSEMBLE,
                new Index("zk", 3))).hasMessageContaining("not one of");
    }

    @Test
    void useDockerRendersInfraKitsDockerRunWithItsOwnAddressAsAnyAddress() {
        String init = flavor.prepare(Json.parse("{\"Type\":\"member\",\"UseDocker\":true}"), spec("10.0.0.3"),
                ENSEMBLE, new Index("zk", 3)).init();
        assertThat(init).startsWith("exec docker run --rm --name infrakit-zookeeper-3 --net=host")
                .contains(" -e ZOO_MY_ID=3 ", " -e ZOO_SERVERS='server.1=10.0.0.1:2888:3888;2181 "
                        + "server.2=10.0.0.2:2888:3888;2181 server.3=0.0.0.0:2888:3888;2181' ")
                .endsWith(" 'zookeeper'\n");
    }

    @Test
    void healthIsUnknownWhileNothingAnswersAndUnhealthyForANonMember() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: connecting is refused
        }
        var props = Json.parse("{\"Type\":\"member\",\"ClientPort\":" + port + "}");
        assertThat(flavor.healthy(props, new InstanceDescription("i-1", "127.0.0.1", Map.of(), null)))
                .isEqualTo(Health.UNKNOWN);
        assertThat(flavor.healthy(props, new InstanceDescription("i-2", null, Map.of(), null)))
                .isEqualTo(Health.UNHEALTHY);
    }

    @Test
    void modeIsReadFromTheSrvrReply() {
        String reply = "Zookeeper version: 3.8.0\nLatency min/avg/max: 0/0.0/0\nMode: follower\nNode count: 5\n";
        assertThat(FourLetterWords.mode(reply)).contains("follower");
        assertThat(FourLetterWords.mode("This ZooKeeper instance is not currently serving requests\n")).isEmpty();
    }
}
