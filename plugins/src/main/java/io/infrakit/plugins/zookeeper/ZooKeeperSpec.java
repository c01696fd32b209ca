package io.infrakit.plugins.zookeeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.PluginException;

/**
 * The flavor's properties: InfraKit's {@code {"Type": "member", "UseDocker": false}} plus what a member on this
 * machine needs. Defaults fit Debian's {@code zookeeper} package.
 *
 * @param dataDir   root of the members' directories; each member uses {@code <dataDir>/<logical ID>}
 * @param classPath for {@code QuorumPeerMain}; Debian's jar lists its dependencies in its manifest
 * @param javaOpts  JVM options, split on spaces
 * @param image     the Docker image (UseDocker only)
 */
record ZooKeeperSpec(String type, boolean useDocker, int tickTime, int initLimit, int syncLimit, String dataDir,
                     int clientPort, int peerPort, int electionPort, String java, String classPath,
                     String javaOpts, String image) {

    static final String MEMBER = "member";
    static final String DEFAULT_CLASS_PATH = "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar";

    /**
     * @throws PluginException naming the field with the wrong type or value
     */
    static ZooKeeperSpec parse(JsonNode properties) {
        JsonNode node = properties == null ? JsonNodeFactory.instance.objectNode() : properties;
        ObjectFields f = ObjectFields.of(node, "Properties", PluginException::new);
        return new ZooKeeperSpec(f.string("Type", ""), bool(f, "UseDocker"),
                integer(f, "TickTime", 2000, 1, 600_000), integer(f, "InitLimit", 10, 1, 1000),
                integer(f, "SyncLimit", 5, 1, 1000), f.string("DataDir", "/var/lib/zookeeper"),
                integer(f, "ClientPort", 2181, 1, 65535), integer(f, "PeerPort", 2888, 1, 65535),
                integer(f, "ElectionPort", 3888, 1, 65535), f.string("Java", "java"),
                f.string("ClassPath", DEFAULT_CLASS_PATH), f.string("JavaOpts", "-Xmx256m"),
                f.string("Image", "zookeeper"));
    }

    private static boolean bool(ObjectFields f, String name) {
        JsonNode v = f.get(name);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw f.fail(name, "must be true or false, got " + ObjectFields.kind(v));
        }
        return v.booleanValue();
    }

    private static int integer(ObjectFields f, String name, int fallback, int min, int max) {
        JsonNode v = f.get(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw f.fail(name, "must be a whole number from " + min + " to " + max + ", got " + v);
        }
        return v.intValue();
    }
}
