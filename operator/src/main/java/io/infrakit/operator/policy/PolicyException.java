package io.infrakit.operator.policy;

import io.infrakit.operator.group.SpecException;

/** A valid spec that the admission policy refuses. The message names the policy, the rule and each refusal. */
public class PolicyException extends SpecException {

    public PolicyException(String message) {
        super(message);
    }
}
