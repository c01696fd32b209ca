package io.infrakit.operator.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A spec admission policy: a default rule and rules for some groups (by ID pattern, and optionally by etcd
 * prefix), the first that matches deciding. Made from a policy file or key ({@link PolicyFile}), or one of the
 * built-in ones: {@link #restricted} for an operator on a real etcd, {@link #none} for dev mode.
 */
public final class AdmissionPolicy {

    /**
     * One rule: which groups it covers (ID globs and etcd prefixes; empty lists: all) and what it allows.
     *
     * @param name how messages call it
     */
    record Rule(String name, List<String> groups, List<String> prefixes, Profile profile) {
        Rule {
            groups = List.copyOf(groups);
            prefixes = List.copyOf(prefixes);
        }

        boolean covers(String prefix, String id) {
            return (groups.isEmpty() || HostPatterns.anyGlob(groups, id))
                    && (prefixes.isEmpty() || prefixes.stream().anyMatch(p -> trim(p).equals(trim(prefix))));
        }

        private static String trim(String prefix) {
            return prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        }
    }

    private final String source;
    private final Rule defaultRule;
    private final List<Rule> rules;
    /** Null, or why nothing is admitted (a policy that cannot be read). */
    private final String broken;

    AdmissionPolicy(String source, Rule defaultRule, List<Rule> rules, String broken) {
        this.source = Objects.requireNonNull(source, "source");
        this.defaultRule = defaultRule;
        this.rules = List.copyOf(rules);
        this.broken = broken;
    }

    /** No policy: every spec is admitted (dev mode, or a library user that asked for none). */
    public static AdmissionPolicy none(String source) {
        return new AdmissionPolicy(source, null, List.of(), null);
    }

    /** The built-in default for production: see {@link Profile#RESTRICTED}. */
    public static AdmissionPolicy restricted(String source) {
        return new AdmissionPolicy(source, new Rule("default", List.of(), List.of(), Profile.RESTRICTED), List.of(),
                null);
    }

    /** A policy that could not be read: nothing is admitted until it is fixed. */
    public static AdmissionPolicy broken(String source, String problem) {
        return new AdmissionPolicy(source, null, List.of(), problem);
    }

    /** Where it comes from: a file, a key, or which built-in default. */
    public String source() {
        return source;
    }

    /** Whether it checks anything at all. */
    public boolean enforcing() {
        return defaultRule != null || broken != null;
    }

    /** Why nothing is admitted, or null. */
    String broken() {
        return broken;
    }

    /** The rule for a group (null when not enforcing). */
    Rule ruleFor(String prefix, String id) {
        for (Rule r : rules) {
            if (r.covers(prefix, id)) {
                return r;
            }
        }
        return defaultRule;
    }

    /** Every rule, the default first. */
    List<Rule> all() {
        List<Rule> out = new ArrayList<>();
        if (defaultRule != null) {
            out.add(defaultRule);
        }
        out.addAll(rules);
        return out;
    }

    @Override
    public String toString() {
        if (broken != null) {
            return source + " (unusable: " + broken + "; nothing is admitted)";
        }
        return !enforcing() ? source + " (no policy: every spec is admitted)"
                : source + " (" + (rules.size() + 1) + (rules.isEmpty() ? " rule)" : " rules)");
    }
}
