package io.infrakit.operator.policy;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.DelegatedGroup;
import io.infrakit.operator.group.GroupDefinition;
import io.infrakit.operator.group.SpecException;
import io.infrakit.plugins.access.BuiltinCatalog;
import io.infrakit.plugins.access.HostAccess;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.group.PluginSpec;
import io.infrakit.plugins.spi.PluginException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides whether a valid spec may be acted on: its group's rule of the policy in force, against what its plugins
 * say their properties ask of the host. Nothing is made, read or connected to: the built-ins are asked through
 * their {@link HostAccess}, and a plugin in another process is judged by its name.
 */
public final class Admission {

    private static final Admission NONE = new Admission(PolicySource.fixed(AdmissionPolicy.none("no policy")),
            BuiltinCatalog.NONE, new Keys(null));

    private final PolicySource source;
    private final BuiltinCatalog catalog;
    private final Keys keys;

    private Admission(PolicySource source, BuiltinCatalog catalog, Keys keys) {
        this.source = Objects.requireNonNull(source, "source");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Admits every valid spec. */
    public static Admission none() {
        return NONE;
    }

    /**
     * @param catalog the built-in plugins, to ask what their properties ask of the host
     * @param keys    the prefix the specs live under (rules may name prefixes)
     */
    public static Admission of(PolicySource source, BuiltinCatalog catalog, Keys keys) {
        return new Admission(source, catalog, keys);
    }

    /** The policy in force now. */
    public AdmissionPolicy policy() {
        return source.current();
    }

    public PolicySource source() {
        return source;
    }

    /** This admission with the policy in force now, read once (a sync checks many specs against one policy). */
    public Admission pinned() {
        return new Admission(PolicySource.fixed(source.current()), catalog, keys);
    }

    /**
     * @throws PolicyException naming the policy, the rule and every refusal
     * @throws SpecException   when a plugin cannot read its properties (the spec is invalid)
     */
    public void check(GroupDefinition group) throws SpecException {
        AdmissionPolicy policy = usable();
        if (policy == null) {
            return;
        }
        AdmissionPolicy.Rule rule = policy.ruleFor(keys.prefix(), group.id());
        RuleCheck.PluginUse instance = use("Instance", group.properties().instance(), catalog::builtinInstance);
        RuleCheck.PluginUse flavor = use("Flavor", group.properties().flavor(), catalog::builtinFlavor);
        refuse(policy, rule, RuleCheck.refusals(rule.profile(), instance, flavor));
    }

    /**
     * A spec naming another group plugin: its rule's {@code Plugins.Group} must name that plugin. What the plugin
     * does with the spec's properties is its own (it runs in another process, under its own user and policy).
     *
     * @throws PolicyException naming the policy, the rule and the refusal
     */
    public void check(DelegatedGroup group) throws PolicyException {
        AdmissionPolicy policy = usable();
        if (policy != null) {
            AdmissionPolicy.Rule rule = policy.ruleFor(keys.prefix(), group.id());
            refuse(policy, rule, RuleCheck.refusals(rule.profile(), group.pluginName()));
        }
    }

    /** The policy in force, null when it admits everything; a policy that cannot be used refuses everything. */
    private AdmissionPolicy usable() throws PolicyException {
        AdmissionPolicy policy = source.current();
        if (!policy.enforcing()) {
            return null;
        }
        if (policy.broken() != null) {
            throw new PolicyException("Refused: the spec policy " + policy.source() + " cannot be used ("
                    + policy.broken() + "); nothing is admitted until it is fixed");
        }
        return policy;
    }

    private static void refuse(AdmissionPolicy policy, AdmissionPolicy.Rule rule, List<String> refusals)
            throws PolicyException {
        if (!refusals.isEmpty()) {
            throw new PolicyException("Refused by the spec policy (" + policy.source() + ", rule " + rule.name()
                    + "): " + String.join("; ", refusals));
        }
    }

    /** Whether the spec would be admitted (a refusal logged elsewhere). */
    public boolean admits(GroupDefinition group) {
        try {
            check(group);
            return true;
        } catch (SpecException e) {
            return false;
        }
    }

    private static RuleCheck.PluginUse use(String section, PluginSpec plugin,
                                           Function<io.infrakit.plugins.spi.PluginName,
                                                   Optional<BuiltinCatalog.Builtin>> find) throws SpecException {
        Optional<BuiltinCatalog.Builtin> builtin = find.apply(plugin.pluginName());
        List<HostRequest> requests;
        try {
            requests = builtin.flatMap(BuiltinCatalog.Builtin::access)
                    .map(access -> access.requests(plugin.properties())).orElse(List.of());
        } catch (PluginException | IllegalArgumentException e) {
            // What the plugin's own validation would say, in InfraKit's words.
            throw new SpecException("Failed to find " + section + " plugin '" + plugin.pluginName() + "':"
                    + e.getMessage());
        }
        return new RuleCheck.PluginUse(section, plugin.pluginName(), builtin, requests);
    }
}
