package io.infrakit.operator.group;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * An enum written in lower case in the stored JSON ({@code "State":"converging"}, {@code "crash-looping"}: an
 * underscore becomes a hyphen), and read back the same way.
 */
interface WireEnum {

    String name();

    @JsonValue
    default String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
