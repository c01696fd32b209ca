package io.infrakit.operator.http;

import java.util.function.Supplier;

/**
 * One named health or readiness condition. {@code problem} answers null when all is well, else the reason.
 */
public record Check(String name, Supplier<String> problem) {

    /** A check that passes while the condition holds. */
    public static Check when(String name, java.util.function.BooleanSupplier ok, String otherwise) {
        return new Check(name, () -> ok.getAsBoolean() ? null : otherwise);
    }
}
