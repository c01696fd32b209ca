package io.infrakit.operator.groupsocket;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.DelegatedGroup;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.write.Author;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.operator.write.WriteException;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.group.GroupSpecs;
import io.infrakit.plugins.group.SpecFormatException;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.GroupDescription;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.GroupSpec;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.ManagerPlugin;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InfraKit's Group SPI over the specs in etcd, for the group socket. It reads specs, and writes them (and free
 * markers) through {@link GroupWrites} under the rules {@code infrakit group commit/free/destroy} follow, so any
 * replica can serve it: the leader sees the change through its watch and acts. A group is "watched" while its spec
 * exists and it is not freed (destroy takes a freed group too: its spec is still there); otherwise the methods
 * answer InfraKit's {@code Group '<id>' is not being watched}. A group whose spec names another group plugin is
 * described by that plugin, as InfraKit's manager forwards reads.
 */
public final class EtcdGroupPlugin implements GroupPlugin, ManagerPlugin {

    private static final Logger log = LoggerFactory.getLogger(EtcdGroupPlugin.class);

    private final Store store;
    private final Keys keys;
    private final PluginLookup plugins;
    private final BooleanSupplier leader;
    private final GroupWrites writes;
    private final GroupRouting routing;

    /**
     * @param plugins to validate committed specs and list a group's instances
     * @param leader  whether this replica leads, for {@code Manager.IsLeader}
     */
    public EtcdGroupPlugin(Store store, Keys keys, PluginLookup plugins, BooleanSupplier leader) {
        this(store, keys, plugins, leader, Clock.systemUTC());
    }

    /** @param routing which specs name another group plugin: the names of this operator's own */
    public EtcdGroupPlugin(Store store, Keys keys, PluginLookup plugins, BooleanSupplier leader,
                           GroupRouting routing) {
        this(store, keys, plugins, Admission.none(), leader, routing, SpecValidator.DEFAULT_MAX_INSTANCES);
    }

    /**
     * @param admission    the policy a committed spec must pass, as the controller applies it
     * @param maxInstances a committed spec asking for more instances than this is refused
     */
    public EtcdGroupPlugin(Store store, Keys keys, PluginLookup plugins, Admission admission, BooleanSupplier leader,
                           GroupRouting routing, long maxInstances) {
        this(store, keys, plugins, admission, leader, Clock.systemUTC(), routing, maxInstances);
    }

    EtcdGroupPlugin(Store store, Keys keys, PluginLookup plugins, BooleanSupplier leader, Clock clock) {
        this(store, keys, plugins, Admission.none(), leader, clock, GroupRouting.DEFAULT,
                SpecValidator.DEFAULT_MAX_INSTANCES);
    }

    EtcdGroupPlugin(Store store, Keys keys, PluginLookup plugins, Admission admission, BooleanSupplier leader,
                    Clock clock, GroupRouting routing, long maxInstances) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.leader = Objects.requireNonNull(leader, "leader");
        this.routing = Objects.requireNonNull(routing, "routing");
        this.writes = new GroupWrites(store, keys, plugins, clock).routedBy(routing).limitedTo(maxInstances)
                .admitting(admission);
    }

    /** Commits through the group write path, as {@code infrakit group commit} does. */
    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) {
        Objects.requireNonNull(spec, "spec");
        return write(() -> writes.commit(GroupSpecs.toJson(spec), Author.GROUP_SOCKET, pretend).details());
    }

    /** Writes the free marker: the spec stays, no replica acts on the group until it is committed again. */
    @Override
    public void freeGroup(String id) {
        write(() -> {
            writes.free(id, Author.GROUP_SOCKET);
            return null;
        });
    }

    /** Deletes the spec (and any free marker): the leader then destroys the group's instances. */
    @Override
    public void destroyGroup(String id) {
        write(() -> writes.destroy(id, Author.GROUP_SOCKET));
    }

    /**
     * The group's instances, from its instance plugin by the {@code infrakit.group} tag, and whether the leader's
     * last status, written for this very spec revision, says it converged.
     */
    @Override
    public GroupDescription describeGroup(String id) {
        return etcd(() -> {
            KeyValue spec = watched(id);
            DelegatedGroup delegated = delegated(id, spec);
            if (delegated != null) {
                return plugins.group(delegated.pluginName()).describeGroup(id);
            }
            GroupStatus status = store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()))
                    .orElse(null);
            String plugin = status == null ? null : status.instancePlugin();
            boolean valid = false;
            try {
                plugin = SpecValidator.parse(id, spec.value(), spec.modRevision()).properties().instance().plugin();
                valid = true;
            } catch (SpecException e) {
                // An invalid spec: list through the plugin the status remembers, if any.
            }
            List<InstanceDescription> instances = plugin == null ? List.of()
                    : plugins.instance(PluginName.parse(plugin)).describeInstances(Map.of(Tags.GROUP, id), false);
            boolean converged = valid && status != null && status.converged()
                    && status.specRevision() >= spec.modRevision();
            return new GroupDescription(instances, converged);
        });
    }

    /** The spec of every watched group, with InfraKit's field names. Values that are not JSON are left out. */
    @Override
    public List<GroupSpec> inspectGroups() {
        return etcd(() -> {
            Set<String> freed = new HashSet<>();
            for (KeyValue kv : store.list(keys.freed()).kvs()) {
                freed.add(Keys.idUnder(keys.freed(), kv.key()));
            }
            List<GroupSpec> out = new ArrayList<>();
            for (KeyValue kv : store.list(keys.groups()).kvs()) {
                String id = Keys.idUnder(keys.groups(), kv.key());
                if (id == null || freed.contains(id)) {
                    continue;
                }
                try {
                    GroupSpec spec = GroupSpecs.parse(kv.value());
                    out.add(new GroupSpec(id, spec.plugin(), GroupSpecs.canonicalProperties(spec.properties())));
                } catch (SpecFormatException e) {
                    log.debug("inspect: leaving out {}: {}", id, e.getMessage());
                }
            }
            return out;
        });
    }

    @Override
    public boolean isLeader() {
        return leader.getAsBoolean();
    }

    private DelegatedGroup delegated(String id, KeyValue spec) {
        try {
            return routing.parse(id, spec.value(), spec.modRevision());
        } catch (SpecException e) {
            return null; // not a spec anyone can use: described as the controller's own invalid spec
        }
    }

    /** The group's spec, if it is watched (exists and is not freed). */
    private KeyValue watched(String id) {
        Optional<KeyValue> spec = store.get(keys.group(id));
        if (spec.isEmpty() || store.get(keys.free(id)).isPresent()) {
            throw new PluginException("Group '" + id + "' is not being watched");
        }
        return spec.get();
    }

    /** Runs a write; a refused one is a plugin error with the write path's message (InfraKit's where it has one). */
    private static <T> T write(Supplier<T> work) {
        try {
            return etcd(work);
        } catch (WriteException e) {
            throw new PluginException(e.getMessage());
        }
    }

    /** Runs etcd requests; etcd trouble becomes a plugin error with etcd's message, not a stack trace. */
    private static <T> T etcd(Supplier<T> work) {
        try {
            return work.get();
        } catch (StoreException e) {
            throw new PluginException(e.getMessage(), e);
        }
    }
}
