package io.infrakit.plugins.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A flavor's verdict on an instance. On the wire an integer: 0 unknown, 1 healthy, 2 unhealthy. */
public enum Health {
    UNKNOWN(0), HEALTHY(1), UNHEALTHY(2);

    private final int code;

    Health(int code) {
        this.code = code;
    }

    @JsonValue
    public int code() {
        return code;
    }

    @JsonCreator
    public static Health of(int code) {
        for (Health h : values()) {
            if (h.code == code) {
                return h;
            }
        }
        return UNKNOWN;
    }
}
