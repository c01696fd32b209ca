package io.infrakit.operator.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.infrakit.plugins.json.Json;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a group, as the events log keeps it ({@code <prefix>/events/<ID>/<Seq>}).
 *
 * @param seq      the group's sequence number, from 1, given when the event is stored (0 before)
 * @param time     when it happened (ISO-8601, UTC)
 * @param group    the group's ID
 * @param kind     what happened
 * @param instance the instance it is about, if any
 * @param actor    who did it, when known: {@code controller}, {@code cli alice@host}, {@code sync NAME},
 *                 {@code group-socket}
 * @param message  what happened, for people (at most {@link #MAX_MESSAGE} characters)
 */
@JsonPropertyOrder({"Seq", "Time", "Group", "Kind", "Instance", "Actor", "Message"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(@JsonProperty("Seq") long seq, @JsonProperty("Time") String time,
                    @JsonProperty("Group") String group, @JsonProperty("Kind") EventKind kind,
                    @JsonProperty("Instance") String instance, @JsonProperty("Actor") String actor,
                    @JsonProperty("Message") String message) {

    /** A plugin's error can be long (a stack, a page of HTML): the log keeps the start. */
    public static final int MAX_MESSAGE = 1024;

    /** Oldest first: by time, then group, then sequence. */
    public static final Comparator<Event> ORDER = Comparator.comparing((Event e) -> Instant.parse(e.time()))
            .thenComparing(Event::group).thenComparingLong(Event::seq);

    public Event {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(kind, "kind");
        message = message == null ? "" : message.length() <= MAX_MESSAGE ? message
                : message.substring(0, MAX_MESSAGE - 1) + "…";
    }

    /** A new event, not yet stored. */
    public static Event of(Instant time, String group, EventKind kind, String instance, String actor,
                           String message) {
        return new Event(0, time.toString(), group, kind, instance, actor, message);
    }

    Event withSeq(long s) {
        return new Event(s, time, group, kind, instance, actor, message);
    }

    public String toJson() {
        return Json.write(this);
    }

    /** A stored event; empty when the value is not one. */
    public static Optional<Event> fromJson(String json) {
        try {
            Event e = Json.mapper().readValue(json, Event.class);
            Instant.parse(e.time());
            return Optional.of(e);
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
