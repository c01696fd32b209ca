package io.infrakit.operator.security;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.AdmissionPolicy;
import io.infrakit.operator.policy.PolicyGuard;
import io.infrakit.operator.policy.PolicyKey;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.store.Store;
import io.infrakit.store.testing.Await;
import io.infrakit.store.testing.EtcdCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A leading controller on a real etcd, wired as {@code infrakit up} wires it: the policy at {@code <prefix>/policy}
 * (watched), else a fallback; the built-ins guarded by it. Closing it destroys the instances of every group the test
 * wrote, through their plugins.
 */
final class PolicyOperator implements AutoCloseable {

    final Keys keys;
    final Store store;
    final PluginRegistry plugins;
    final Admission admission;
    private final Controller controller;
    private final Map<String, String> groups = new LinkedHashMap<>();

    PolicyOperator(EtcdCluster etcd, String name, PluginRegistry plugins, AdmissionPolicy fallback) {
        this.keys = new Keys(EtcdCluster.uniquePrefix(name));
        this.store = etcd.newStore();
        this.plugins = plugins;
        PolicyKey policy = new PolicyKey(store, keys.policy(), fallback);
        this.admission = Admission.of(policy, plugins, keys);
        plugins.guardedBy(new PolicyGuard(policy));
        this.controller = new Controller(store, keys, plugins, ControllerConfig.defaults()
                .withResync(Duration.ofSeconds(2)), Clock.systemUTC(), Controller.ReconcileListener.NONE,
                GroupRouting.DEFAULT, admission);
        controller.start();
        Await.until(Duration.ofSeconds(10), "spec cache and policy read", controller::isSynced);
        controller.lead(LeaderTerm.standalone());
    }

    /** Writes a spec whose instances live in {@code instancePlugin}. */
    void put(String id, String instancePlugin, String json) {
        groups.put(id, instancePlugin);
        store.put(keys.group(id), json);
    }

    /** What only an administrator's etcd role may do. */
    void writePolicy(String json) {
        store.put(keys.policy(), json);
    }

    List<InstanceDescription> instances(String id) {
        return plugins.instance(PluginName.parse(groups.get(id))).describeInstances(Map.of(Tags.GROUP, id), false);
    }

    Optional<GroupStatus> status(String id) {
        return store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    GroupStatus awaitStatus(String id, String what, Predicate<GroupStatus> condition) {
        try {
            return Await.value(Duration.ofSeconds(30), id + " " + what,
                    () -> status(id).filter(condition).orElse(null));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last status: " + status(id).orElse(null), e);
        }
    }

    /** The status once it carries an error that mentions {@code text}. */
    GroupStatus awaitError(String id, String text) {
        return awaitStatus(id, "in error with \"" + text + "\"",
                s -> s.error() != null && s.error().message().contains(text));
    }

    @Override
    public void close() {
        controller.close();
        try {
            for (Map.Entry<String, String> g : groups.entrySet()) {
                InstancePlugin plugin = plugins.instance(PluginName.parse(g.getValue()));
                for (InstanceDescription d : plugin.describeInstances(Map.of(Tags.GROUP, g.getKey()), false)) {
                    plugin.destroy(d.id(), "terminate");
                }
            }
        } finally {
            plugins.close();
            store.close();
        }
    }
}
