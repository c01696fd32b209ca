package io.infrakit.plugins.group;

/**
 * A group spec that cannot be read: not JSON, not an object, or a field of the wrong type. The message says what
 * and where (a JSON position, or a field path such as {@code Properties.Instance.Plugin}), for the group's status.
 */
public class SpecFormatException extends IllegalArgumentException {

    public SpecFormatException(String message) {
        super(message);
    }

    public SpecFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
