package io.infrakit.operator.write;

import io.infrakit.operator.group.DelegatedGroup;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.GroupRouting;
import io.infrakit.operator.group.SpecException;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.PolicyException;
import io.infrakit.plugins.PluginLookup;
import java.util.Objects;

/**
 * What a spec must pass before {@link GroupWrites} writes it: its structure, the instance ceiling, the policy (before
 * any plugin is asked: a plugin's validation may fetch what the spec names), then its plugins. Each failure is a
 * {@link WriteException} in the user's words.
 *
 * @param plugins      asked to validate every spec; null checks structure only
 * @param routing      which specs name another group plugin (validated there)
 * @param admission    the spec policy
 * @param maxInstances the most instances a spec may ask for
 */
record SpecChecks(PluginLookup plugins, GroupRouting routing, Admission admission, long maxInstances) {

    SpecChecks {
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(admission, "admission");
    }

    SpecChecks admitting(Admission admission) {
        return new SpecChecks(plugins, routing, admission, maxInstances);
    }

    SpecChecks routedBy(GroupRouting routing) {
        return new SpecChecks(plugins, routing, admission, maxInstances);
    }

    SpecChecks limitedTo(long maxInstances) {
        return new SpecChecks(plugins, routing, admission, maxInstances);
    }

    /** A spec this operator converges, checked; {@code id}: the key's ID, if known. */
    GroupDefinition validate(String id, String json) {
        DelegatedGroup delegated = delegated(id, json);
        if (delegated != null) {
            throw new WriteException(WriteException.Reason.INVALID, "group '" + delegated.id() + "' names group "
                    + "plugin '" + delegated.plugin() + "': such specs are committed one by one (infrakit group "
                    + "commit, the group socket), not synced or rolled back");
        }
        try {
            GroupDefinition def = SpecValidator.parse(id, json, 0);
            SpecValidator.checkCeiling(def, maxInstances);
            admission.check(def);
            if (plugins != null) {
                PluginCheck.check(def, plugins);
            }
            return def;
        } catch (PolicyException e) {
            throw new WriteException(WriteException.Reason.REFUSED, e.getMessage());
        } catch (SpecException e) {
            throw new WriteException(WriteException.Reason.INVALID, e.getMessage());
        }
    }

    /** The spec as a delegated group; null when it is the controller's own. */
    DelegatedGroup delegated(String id, String json) {
        try {
            return routing.parse(id, json, 0);
        } catch (SpecException e) {
            throw new WriteException(WriteException.Reason.INVALID, e.getMessage());
        }
    }

    /** The policy names the group plugins a delegated spec may go to; checked before that plugin sees it. */
    void admit(DelegatedGroup group) {
        try {
            admission.check(group);
        } catch (PolicyException e) {
            throw new WriteException(WriteException.Reason.REFUSED, e.getMessage());
        }
    }

    /** The delegated spec's plugin validates it: a pretend commit, whose details are the answer. */
    String pretend(DelegatedGroup group) {
        return plugins == null ? "Delegated to group plugin " + group.plugin()
                : GroupPluginCheck.pretend(group, plugins);
    }
}
