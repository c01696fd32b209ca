package io.infrakit.operator.events;

/**
 * Where the controller and the write path report what they did. Recording never fails the caller and never
 * blocks it for long: an event that cannot be stored is dropped (and logged), the work it describes stands.
 */
@FunctionalInterface
public interface EventSink {

    void record(Event event);

    /** Records nothing. */
    EventSink NONE = event -> { };
}
