package io.infrakit.operator.group;

/** A group spec that cannot be acted on. The message is what the user sees in the group's status. */
public class SpecException extends Exception {

    public SpecException(String message) {
        super(message);
    }
}
