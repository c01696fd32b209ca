package io.infrakit.plugins.zookeeper;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.access.HostAccess;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * InfraKit's ZooKeeper flavor ({@code flavor-zookeeper}): a pets group whose logical IDs are the members'
 * addresses; a member's {@code myid} is the 1-based position of its address, and every member's server list is
 * all the addresses. Prepare renders an init script that writes the member's config and runs ZooKeeper in the
 * foreground (so the instance lives as long as ZooKeeper does), or InfraKit's {@code docker run} variant with
 * {@code UseDocker}.
 *
 * <p>Unlike InfraKit's flavor, which called every member healthy, {@link #healthy} asks the member itself
 * ({@code srvr} on its client port): healthy once it serves as leader or follower, unknown before. A rolling update
 * that gates on this keeps the ensemble's quorum.
 */
public final class ZooKeeperFlavorPlugin implements FlavorPlugin {

    /** The member's myid, for people and scripts; the ensemble does not need it. */
    public static final String MYID_TAG = "zookeeper.myid";

    static final String BAD_TYPE = "Unrecognized node Type";
    static final String NO_IDS = "IP addresses are required as LogicalIDs for a ZooKeeper ensemble";
    static final String NO_LOGICAL_ID = "Manager nodes require an assigned logical ID";

    /** It writes each member's script itself (Java, class path, data directory from its properties). */
    public static final HostAccess HOST_ACCESS = properties -> {
        ZooKeeperSpec.parse(properties);
        return List.of(HostRequest.of(HostRequest.Kind.GENERATED_INIT, "the ZooKeeper flavor's member script", ""));
    };

    private static final Set<String> SERVING = Set.of("leader", "follower", "standalone");
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);

    @Override
    public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return KeyAudit.of(() -> ZooKeeperSpec.parse(properties));
    }

    @Override
    public void validate(JsonNode properties, Allocation allocation) {
        ZooKeeperSpec spec = ZooKeeperSpec.parse(properties);
        if (!ZooKeeperSpec.MEMBER.equals(spec.type())) {
            throw new PluginException(BAD_TYPE);
        }
        if (allocation == null || !allocation.isPets()) {
            throw new PluginException(NO_IDS);
        }
        for (String id : allocation.logicalIds()) {
            // It goes into a shell script and a config file: an address or host name, nothing else.
            if (!id.matches("[A-Za-z0-9.:\\-]+")) {
                throw new PluginException("not an address: \"" + id + "\" (LogicalIDs are the members' addresses)");
            }
        }
    }

    @Override
    public InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation, Index index) {
        validate(properties, allocation);
        ZooKeeperSpec zk = ZooKeeperSpec.parse(properties);
        if (spec.logicalId() == null || spec.logicalId().isEmpty()) {
            throw new PluginException(NO_LOGICAL_ID);
        }
        List<String> members = allocation.logicalIds();
        int myid = members.indexOf(spec.logicalId()) + 1;
        if (myid == 0) {
            throw new PluginException("logical ID " + spec.logicalId() + " is not one of " + members);
        }
        String script = InitScript.render(zk, members, myid);
        Map<String, String> tags = new LinkedHashMap<>(spec.tagsOrEmpty());
        tags.put(MYID_TAG, Integer.toString(myid));
        return spec.withInit(spec.init().isEmpty() ? script : spec.init() + "\n" + script).withTags(tags);
    }

    /** Asks the member ({@code srvr}); unknown while it cannot be reached or is not in a quorum yet. */
    @Override
    public Health healthy(JsonNode properties, InstanceDescription instance) {
        String address = address(instance);
        if (address == null) {
            return Health.UNHEALTHY; // not a member at all
        }
        int port = ZooKeeperSpec.parse(properties).clientPort();
        try {
            String reply = FourLetterWords.ask(address, port, "srvr", ASK_TIMEOUT);
            return FourLetterWords.mode(reply).filter(SERVING::contains).isPresent() ? Health.HEALTHY : Health.UNKNOWN;
        } catch (IOException e) {
            return Health.UNKNOWN;
        }
    }

    /** Nothing to do: a member that goes away is one the ensemble tolerates, and its replacement takes its myid. */
    @Override
    public void drain(JsonNode properties, InstanceDescription instance) {
    }

    private static String address(InstanceDescription instance) {
        if (instance.logicalId() != null && !instance.logicalId().isEmpty()) {
            return instance.logicalId();
        }
        return instance.tag(Tags.LOGICAL_ID);
    }

    @Override
    public String toString() {
        return "ZooKeeperFlavorPlugin";
    }
}
