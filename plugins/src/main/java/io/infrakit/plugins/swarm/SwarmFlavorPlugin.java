package io.infrakit.plugins.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.transport.SSLConfig;
import io.infrakit.plugins.access.HostAccess;
import io.infrakit.plugins.access.HostGuard;
import io.infrakit.plugins.docker.DockerClients;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InfraKit's swarm flavor ({@code flavor-swarm/manager}, {@code flavor-swarm/worker}): each instance gets a script that
 * labels its Docker engine and makes it a swarm node.
 *
 * <p>Prepare asks the engine at {@code Docker.Host} (a manager) for the swarm's state, and when that engine holds no
 * swarm to join (its machine is the one being replaced, say), the engines of the group's other managers
 * ({@link SwarmLocator}). Every instance joins the swarm it finds, with the join token of its role. The manager
 * whose logical ID is {@code SwarmJoinIP} (the seed) initialises a swarm only when none of those engines is in one:
 * a replaced seed joins the swarm the other managers kept rather than starting a second one. Otherwise prepare
 * fails (the group retries later) while there is no swarm to join. Each instance is tied to its node by a random
 * "link" that is both an instance tag and an engine label ({@code infrakit-link}), which is how {@link #healthy}
 * and {@link #drain} find the node; the engine is labelled with the group and the logical ID too.
 *
 * <p>A replaced manager's node leaves the raft: once its replacement is a ready manager and it has been down a
 * little while, it is demoted and removed, never while the swarm lacks a quorum ({@link ReplacedManagers}), and
 * {@link #notes} tells the group's status what was removed.
 *
 * <p>When a worker is prepared or drained, the group's swarm nodes that have been down for a while are removed, then
 * and again over the next two minutes ({@link DeadWorkerSweeper}): a dead worker that the group replaces leaves no
 * dead node behind. Each engine is labelled with its group, so one group's removals never touch another's nodes.
 */
public final class SwarmFlavorPlugin implements FlavorPlugin, AutoCloseable {

    /** Makes a client for an engine ({@code ssl} null for plain connections); tests give their own. */
    @FunctionalInterface
    public interface DockerConnector {
        DockerClient connect(String host, SSLConfig ssl);
    }

    public static final String LINK_TAG = "infrakit-link";
    public static final String LINK_CONTEXT_TAG = "infrakit-link-context";
    public static final String LINK_CREATED_TAG = "infrakit-link-created";
    public static final String SWARM_ID_TAG = "swarm-id";

    /** The script's URL, the engine, the TLS files: see {@link SwarmHostAccess}. */
    public static final HostAccess HOST_ACCESS = SwarmHostAccess::requests;

    static final String NO_DOCKER = "no docker connect info";
    /** How long one call to a swarm engine may take: each is a quick read or a single raft write. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    static final String ODD_MANAGERS = "must have odd number for quorum";

    private static final Logger LOG = LoggerFactory.getLogger(SwarmFlavorPlugin.class);
    private static final String LINK_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int LINK_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SwarmRole role;
    private final DockerConnections docker;
    private final DeadWorkerSweeper sweeper = new DeadWorkerSweeper();
    private final SwarmLocator locator;
    private final ReplacedManagers managers;
    private volatile HostGuard guard = HostGuard.NONE;

    /** Connects to engines with {@link DockerClients}. */
    public SwarmFlavorPlugin(SwarmRole role) {
        this(role, SwarmFlavorPlugin::connect);
    }

    public SwarmFlavorPlugin(SwarmRole role, DockerConnector connector) {
        this.role = Objects.requireNonNull(role, "role");
        this.docker = new DockerConnections(Objects.requireNonNull(connector, "connector"));
        this.locator = new SwarmLocator(docker);
        this.managers = new ReplacedManagers(locator, Clock.systemUTC());
    }

    public SwarmRole role() {
        return role;
    }

    /** Asks {@code guard} before fetching {@code InitScriptTemplateURL} (and each redirect) and before any engine. */
    public SwarmFlavorPlugin guardedBy(HostGuard guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
        docker.guardedBy(guard);
        return this;
    }

    @Override
    public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return KeyAudit.of(() -> SwarmSpec.parse(properties));
    }

    @Override
    public void validate(JsonNode properties, Allocation allocation) {
        SwarmSpec spec = SwarmSpec.parse(properties);
        if (!spec.docker().given()) {
            throw new PluginException(NO_DOCKER);
        }
        if (!spec.initScriptTemplateUrl().isEmpty()) {
            SwarmInitScript.load(spec.initScriptTemplateUrl(), guard);
        }
        List<String> ids = allocation == null || allocation.logicalIds() == null ? List.of() : allocation.logicalIds();
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                throw new PluginException("LogicalID " + id + " specified more than once");
            }
        }
        Set<String> attachmentIds = new HashSet<>();
        spec.attachments().forEach((key, attachments) -> {
            if (!SwarmSpec.ANY_INSTANCE.equals(key) && !seen.contains(key)) {
                throw new PluginException("LogicalID " + key + " used for an attachment but is not in group LogicalIDs");
            }
            for (Attachment a : attachments) {
                if (a.type() == null || a.type().isEmpty()) {
                    throw new PluginException("Attachment Type for " + a.id() + " must be specified");
                }
                if (!attachmentIds.add(a.id())) {
                    throw new PluginException("Attachment " + a.id() + " specified more than once");
                }
            }
        });
        if (role == SwarmRole.MANAGER) {
            if (ids.size() % 2 == 0) {
                throw new PluginException(ODD_MANAGERS);
            }
            for (String id : ids) {
                if (!spec.attachments().containsKey(id)) {
                    LOG.warn("manager {} has no attachments: its swarm state goes with the instance", id);
                }
            }
        }
    }

    @Override
    public InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation, Index index) {
        SwarmSpec swarm = SwarmSpec.parse(properties);
        if (!swarm.docker().given()) {
            throw new PluginException(NO_DOCKER);
        }
        String body = swarm.initScriptTemplateUrl().isEmpty()
                ? SwarmInitScript.DEFAULT_BODY : SwarmInitScript.load(swarm.initScriptTemplateUrl(), guard);
        String logicalId = spec.logicalId() == null ? "" : spec.logicalId();
        boolean seed = role == SwarmRole.MANAGER && !logicalId.isEmpty() && logicalId.equals(swarm.swarmJoinIp());
        SwarmLocator.Answers found = logicalId.isEmpty() ? locator.locate(swarm, allocation, null, false)
                : locator.locate(swarm, allocation, logicalId, true);

        SwarmInitScript.Action action;
        SwarmState state;
        String token = null;
        if (found.joinable().isPresent()) {
            state = found.joinable().get().state();
            action = SwarmInitScript.Action.JOIN;
            token = role == SwarmRole.MANAGER ? state.managerToken() : state.workerToken();
        } else if (seed && found.noSwarmAnywhere()) {
            state = found.first().state();
            action = SwarmInitScript.Action.INIT;
        } else {
            throw notJoinable(found, swarm.docker());
        }
        String swarmId = state.swarmId() == null || state.swarmId().isEmpty() ? "?" : state.swarmId();
        String context = "swarm::" + swarmId + "::" + role.wireName();
        String group = spec.tagsOrEmpty().getOrDefault(Tags.GROUP, "");
        if (role == SwarmRole.WORKER) {
            sweeper.sweepNowAndLater(() -> locator.listNodes(swarm, allocation).client(), context, group);
        }

        Map<String, String> link = new LinkedHashMap<>();
        link.put(LINK_TAG, newLink());
        link.put(LINK_CONTEXT_TAG, context);
        link.put(LINK_CREATED_TAG, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Map<String, String> labels = new LinkedHashMap<>(link);
        if (!group.isEmpty()) {
            labels.put(Tags.GROUP, group); // so that sweeping one group's dead nodes never touches another's
        }
        if (!logicalId.isEmpty()) {
            labels.put(Tags.LOGICAL_ID, logicalId); // which member a node is, once its instance is gone
        }
        swarm.engineLabels().forEach(labels::putIfAbsent);

        String script = SwarmInitScript.render(new SwarmInitScript.Values(role, action, logicalId,
                action == SwarmInitScript.Action.JOIN ? state.managerAddr() : "", token,
                state.swarmId(), labels), body);

        Map<String, String> tags = new LinkedHashMap<>(spec.tagsOrEmpty());
        tags.put(SWARM_ID_TAG, swarmId);
        tags.putAll(link);
        InstanceSpec prepared = spec.withInit(spec.init().isEmpty() ? script : spec.init() + "\n" + script)
                .withTags(tags);
        List<Attachment> extra = swarm.attachmentsFor(spec.logicalId());
        if (!extra.isEmpty()) {
            List<Attachment> attachments = new ArrayList<>(spec.attachments() == null ? List.of() : spec.attachments());
            attachments.addAll(extra);
            prepared = prepared.withAttachments(attachments);
        }
        if (role == SwarmRole.MANAGER) {
            managers.check(group, swarm, allocation, ReplacedManagers.FOLLOW); // a replacement: its predecessor goes
        }
        return prepared;
    }

    /**
     * For a manager group: looks at its managers again (without waiting), and returns the replaced managers this
     * flavor removed from the swarm lately, then what keeps one from being removed, if anything.
     */
    @Override
    public List<String> notes(String group, JsonNode properties, Allocation allocation) {
        if (role != SwarmRole.MANAGER) {
            return List.of();
        }
        SwarmSpec spec = SwarmSpec.parse(properties);
        if (spec.docker().given()) {
            managers.check(group, spec, allocation, Duration.ZERO);
        }
        return managers.notes(group);
    }

    /** Why no node can join: what {@code Docker.Host} said, and what the other managers' engines said. */
    private static PluginException notJoinable(SwarmLocator.Answers found, SwarmSpec.Docker where) {
        String engine = DockerConnections.describe(where);
        SwarmState state = found.first().state();
        String others = found.others();
        if (!state.reachable()) {
            return new PluginException("cannot reach the swarm manager's Docker engine at " + engine + " ("
                    + state.unreachable() + ")" + others + "; no swarm to join yet, try again later");
        }
        if (!state.initialised()) {
            return new PluginException("the Docker engine at " + engine + " is not in an initialised swarm yet ("
                    + state.noTokens() + ")" + others + "; no swarm to join, try again later");
        }
        return new PluginException("cannot get join tokens and a manager address from the Docker engine at "
                + engine + ": " + state.summary() + others);
    }

    /**
     * Healthy once the instance's engine is a ready swarm node; unknown while it is not (yet) one or the manager
     * cannot be asked; unhealthy when the instance has no link (it was not made by this flavor).
     */
    @Override
    public Health healthy(JsonNode properties, InstanceDescription instance) {
        String link = instance.tag(LINK_TAG);
        if (link == null || link.isEmpty()) {
            return Health.UNHEALTHY;
        }
        SwarmSpec spec = SwarmSpec.parse(properties);
        try {
            List<SwarmNode> nodes = withLabel(locator.listNodes(spec, null).nodes(), LINK_TAG, link);
            for (SwarmNode node : nodes) {
                if (node.getStatus() != null && node.getStatus().getState() == SwarmNodeState.READY) {
                    return Health.HEALTHY;
                }
            }
            return Health.UNKNOWN;
        } catch (RuntimeException e) {
            LOG.warn("health of {}: cannot ask the swarm at {}: {}", instance.id(),
                    DockerConnections.describe(spec.docker()), e.toString());
            return Health.UNKNOWN;
        }
    }

    /**
     * A worker's node is removed from the swarm (forced: its engine is about to go away with the instance); a worker
     * whose node is already gone needs nothing. A manager is left alone: removing a live one takes a vote away from
     * the Raft quorum while the group may be replacing another. Its node is removed once it is down and the group
     * is whole without it ({@link ReplacedManagers}).
     */
    @Override
    public void drain(JsonNode properties, InstanceDescription instance) {
        if (role == SwarmRole.MANAGER) {
            return;
        }
        String link = instance.tag(LINK_TAG);
        if (link == null || link.isEmpty()) {
            throw new PluginException("instance " + instance.id() + " has no " + LINK_TAG + " tag: cannot find its node");
        }
        SwarmSpec spec = SwarmSpec.parse(properties);
        SwarmLocator.Listing listing;
        try {
            listing = locator.listNodes(spec, null);
        } catch (RuntimeException e) {
            throw new PluginException("cannot list the swarm's nodes at " + DockerConnections.describe(spec.docker())
                    + ": " + e.getMessage(), e);
        }
        DockerClient client = listing.client();
        List<SwarmNode> nodes = withLabel(listing.nodes(), LINK_TAG, link);
        String context = instance.tag(LINK_CONTEXT_TAG);
        if (context != null && !context.isEmpty()) {
            DeadWorkerSweeper.sweep(() -> client, context, instance.tagsOrEmpty().getOrDefault(Tags.GROUP, ""));
        }
        if (nodes.isEmpty()) {
            LOG.info("drain {}: no swarm node with {}={}; already gone", instance.id(), LINK_TAG, link);
            return;
        }
        if (nodes.size() > 1) {
            throw new PluginException("more than one swarm node with " + LINK_TAG + "=" + link + ": "
                    + nodes.stream().map(SwarmNode::getId).toList());
        }
        try {
            client.removeSwarmNodeCmd(nodes.get(0).getId()).withForce(true).exec();
        } catch (RuntimeException e) {
            throw new PluginException("cannot remove swarm node " + nodes.get(0).getId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The swarm's nodes whose engine has label {@code key=value}. Docker's node filter {@code label} matches engine
     * labels too, but the client library cannot send it, so the nodes are filtered here.
     */
    static List<SwarmNode> nodesWithLabel(DockerClient client, String key, String value) {
        return withLabel(client.listSwarmNodesCmd().exec(), key, value);
    }

    static List<SwarmNode> withLabel(List<SwarmNode> nodes, String key, String value) {
        List<SwarmNode> found = new ArrayList<>();
        for (SwarmNode node : nodes) {
            Map<String, String> labels = node.getDescription() == null || node.getDescription().getEngine() == null
                    ? null : node.getDescription().getEngine().getLabels();
            if (labels != null && value.equals(labels.get(key))) {
                found.add(node);
            }
        }
        return found;
    }

    /**
     * A client for a swarm engine. Its calls give up after {@link #CALL_TIMEOUT}: managers are machines that die and
     * come back at the same address, and a pooled connection to one that died would hang a call for a minute.
     */
    static DockerClient connect(String host, SSLConfig ssl) {
        return DockerClients.connect(host, ssl, CALL_TIMEOUT);
    }

    static String newLink() {
        StringBuilder link = new StringBuilder(LINK_LENGTH);
        for (int i = 0; i < LINK_LENGTH; i++) {
            link.append(LINK_ALPHABET.charAt(RANDOM.nextInt(LINK_ALPHABET.length())));
        }
        return link.toString();
    }

    /** Closes the Docker clients made so far. */
    @Override
    public void close() {
        managers.close();
        locator.close();
        sweeper.close();
        docker.close();
    }

    @Override
    public String toString() {
        return "SwarmFlavorPlugin(" + role.wireName() + ")";
    }
}
