package io.infrakit.operator.groupsocket;

import io.infrakit.operator.Keys;
import io.infrakit.operator.controller.StatusWriter;
import io.infrakit.operator.group.CommitDetails;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
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
import io.infrakit.store.Compare;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Op;
import io.infrakit.store.Store;
import io.infrakit.store.StoreException;
import io.infrakit.store.Txn;
import java.time.Clock;
import java.time.Instant;
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
 * InfraKit's Group SPI over the specs in etcd, for the group socket. It only reads and writes specs (and free
 * markers), as {@code infrakit group commit/free/destroy} do, so any replica can serve it: the leader sees the change
 * through its watch and acts. A group is "watched" while its spec exists and it is not freed; otherwise the methods
 * answer InfraKit's {@code Group '<id>' is not being watched}.
 */
public final class EtcdGroupPlugin implements GroupPlugin, ManagerPlugin {

    private static final Logger log = LoggerFactory.getLogger(EtcdGroupPlugin.class);
    /** Compare-and-set rounds before giving up on a spec that keeps changing under us. */
    private static final int ATTEMPTS = 5;

    private final Store store;
    private final Keys keys;
    private final PluginLookup plugins;
    private final BooleanSupplier leader;
    private final Clock clock;

    /**
     * @param plugins to validate committed specs and list a group's instances
     * @param leader  whether this replica leads, for {@code Manager.IsLeader}
     */
    public EtcdGroupPlugin(Store store, Keys keys, PluginLookup plugins, BooleanSupplier leader) {
        this(store, keys, plugins, leader, Clock.systemUTC());
    }

    EtcdGroupPlugin(Store store, Keys keys, PluginLookup plugins, BooleanSupplier leader, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.leader = Objects.requireNonNull(leader, "leader");
        this.clock = clock;
    }

    /**
     * Validates the spec as the CLI's commit does (structure, then the plugins it names), and unless pretending
     * writes it in canonical form and clears any free marker, in one transaction guarded on the spec it explained.
     */
    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) {
        Objects.requireNonNull(spec, "spec");
        GroupDefinition def;
        try {
            def = SpecValidator.parse(null, GroupSpecs.toJson(spec), 0);
            SpecValidator.checkPlugins(def, plugins);
        } catch (SpecException e) {
            throw new PluginException(e.getMessage());
        }
        String id = def.id();
        String canonical = GroupSpecs.toJson(def.spec());
        return etcd(() -> {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<KeyValue> current = store.get(keys.group(id));
                boolean freed = store.get(keys.free(id)).isPresent();
                // A freed group is new again to InfraKit: its commit "manages" it.
                String details = CommitDetails.explain(def, freed ? null : current.map(KeyValue::value).orElse(null));
                if (pretend) {
                    return details;
                }
                Txn txn = Txn.builder()
                        .when(Compare.modRevision(keys.group(id), current.map(KeyValue::modRevision).orElse(0L)))
                        .then(Op.put(keys.group(id), canonical)).then(Op.delete(keys.free(id))).build();
                if (store.commit(txn).succeeded()) {
                    log.info("committed {} through the group socket: {}", id, details);
                    return details;
                }
            }
            throw changing(id);
        });
    }

    /** Writes the free marker: the spec stays, no replica acts on the group until it is committed again. */
    @Override
    public void freeGroup(String id) {
        etcd(() -> {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                KeyValue spec = watched(id);
                Txn txn = Txn.builder().when(Compare.modRevision(keys.group(id), spec.modRevision()))
                        .when(Compare.absent(keys.free(id)))
                        .then(Op.put(keys.free(id), "{\"Since\":\"" + Instant.now(clock) + "\"}")).build();
                if (store.commit(txn).succeeded()) {
                    log.info("freed {} through the group socket", id);
                    return null;
                }
            }
            throw changing(id);
        });
    }

    /** Deletes the spec (and any free marker): the leader then destroys the group's instances. */
    @Override
    public void destroyGroup(String id) {
        etcd(() -> {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                KeyValue spec = watched(id);
                Txn txn = Txn.builder().when(Compare.modRevision(keys.group(id), spec.modRevision()))
                        .then(Op.delete(keys.group(id))).then(Op.delete(keys.free(id))).build();
                if (store.commit(txn).succeeded()) {
                    log.info("destroy of {} initiated through the group socket", id);
                    return null;
                }
            }
            throw changing(id);
        });
    }

    /**
     * The group's instances, from its instance plugin by the {@code infrakit.group} tag, and whether the leader's
     * last status, written for this very spec revision, says it converged.
     */
    @Override
    public GroupDescription describeGroup(String id) {
        return etcd(() -> {
            KeyValue spec = watched(id);
            GroupStatus status = store.get(keys.status(id)).map(kv -> StatusWriter.decode(kv.value())).orElse(null);
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

    /** The group's spec, if it is watched (exists and is not freed). */
    private KeyValue watched(String id) {
        Optional<KeyValue> spec = store.get(keys.group(id));
        if (spec.isEmpty() || store.get(keys.free(id)).isPresent()) {
            throw new PluginException("Group '" + id + "' is not being watched");
        }
        return spec.get();
    }

    private static PluginException changing(String id) {
        return new PluginException("Group '" + id + "' kept changing while this request ran; try again");
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
