package io.infrakit.operator.policy;

import java.util.Objects;

/** Where the policy in force comes from: fixed (a file, a built-in default), or an etcd key ({@link PolicyKey}). */
@FunctionalInterface
public interface PolicySource {

    /** The policy to apply now. */
    AdmissionPolicy current();

    static PolicySource fixed(AdmissionPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return () -> policy;
    }
}
