package io.infrakit.plugins.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.infrakit.plugins.group.Tags;
import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the engine's event stream for containers of InfraKit groups (those labelled {@code infrakit.group}) and
 * reports each one that starts, dies or is removed. The stream is asked for events since this object was made, so
 * none is lost while it opens on its own thread; it is reopened after an error or an engine restart, asking for
 * events since the last one seen (each reported once). The engine keeps only its last few hundred events, and none
 * across a restart, so a reopening is reported too (with null action and ID): events may have been missed.
 */
final class ContainerEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerEvents.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);

    private final DockerClient docker;
    private final Listener changed;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "docker-events");
        t.setDaemon(true);
        return t;
    });
    private Closeable stream;
    private Duration retry = FIRST_RETRY;
    private boolean closed;
    /** Guards the two fields below: the stream's thread updates them, and a replaced stream's may still deliver. */
    private final Object seenLock = new Object();
    /** Where the next opening resumes: the latest event's time (epoch nanoseconds), or when this was made. */
    private long sinceNanos;
    /** The events seen at {@code sinceNanos}, which a reopening replays (the engine's {@code since} includes it). */
    private final Set<String> seenAtSince = new HashSet<>();

    /** What the stream reports. */
    interface Listener {
        /**
         * @param action "start", "die" or "destroy"; null after a reconnect (events may have been missed)
         * @param id the container's ID, null after a reconnect
         * @param group the container's {@code infrakit.group} label
         */
        void changed(String action, String id, String group);
    }

    ContainerEvents(DockerClient docker, Listener changed) {
        this(docker, changed, Instant.now());
    }

    /** Reports events from {@code since} on, including those before the stream is open. */
    ContainerEvents(DockerClient docker, Listener changed, Instant since) {
        this.docker = docker;
        this.changed = changed;
        this.sinceNanos = since.getEpochSecond() * 1_000_000_000L + since.getNano();
        retries.execute(this::open);
    }

    private synchronized void open() {
        if (closed) {
            return;
        }
        closeStream(); // a stream that ended is replaced, never left open beside its successor
        AtomicBoolean ended = new AtomicBoolean();
        try {
            stream = follow(ended);
        } catch (RuntimeException e) {
            if (ended.compareAndSet(false, true)) {
                reopen("could not open: " + e.getMessage());
            }
        }
    }

    /** Follows the stream; {@code ended} makes sure one stream's end (an error, then completion) reopens once. */
    private Closeable follow(AtomicBoolean ended) {
        long since;
        synchronized (seenLock) {
            since = sinceNanos;
        }
        return docker.eventsCmd()
                .withSince(since / 1_000_000_000L + "." + String.format("%09d", since % 1_000_000_000L))
                .withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter("start", "die", "destroy")
                .withLabelFilter(Tags.GROUP)
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onStart(Closeable s) {
                        super.onStart(s);
                        resetRetry();
                    }

                    @Override
                    public void onNext(Event event) {
                        if (!firstSeen(event)) {
                            return;
                        }
                        Map<String, String> attributes = event.getActor() == null ? null
                                : event.getActor().getAttributes();
                        changed.changed(event.getAction(), event.getId(),
                                attributes == null ? "" : attributes.getOrDefault(Tags.GROUP, ""));
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (ended.compareAndSet(false, true)) {
                            reopen("failed: " + t.getMessage());
                        }
                    }

                    @Override
                    public void onComplete() {
                        if (ended.compareAndSet(false, true)) {
                            reopen("ended");
                        }
                    }
                });
    }

    /**
     * Whether the event is new, not one a reopened stream replays. A replay starts at {@code sinceNanos}, so only
     * events at that very time can be repeats; an earlier one is a live event the engine sent a little out of order.
     */
    private boolean firstSeen(Event event) {
        long nanos = event.getTimeNano() != null ? event.getTimeNano()
                : event.getTime() == null ? 0 : event.getTime() * 1_000_000_000L;
        synchronized (seenLock) {
            if (nanos < sinceNanos) {
                return true;
            }
            if (nanos > sinceNanos) {
                sinceNanos = nanos;
                seenAtSince.clear();
            }
            return seenAtSince.add(event.getAction() + " " + event.getId());
        }
    }

    private synchronized void resetRetry() {
        retry = FIRST_RETRY;
    }

    private synchronized void reopen(String why) {
        if (closed) {
            return;
        }
        LOG.warn("Docker event stream {}; reopening in {} ms", why, retry.toMillis());
        retries.schedule(() -> {
            open();
            changed.changed(null, null, null);
        }, retry.toMillis(), TimeUnit.MILLISECONDS);
        retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
    }

    /** Runs {@code task} after {@code delay} on the stream's thread, unless closed by then. */
    void later(Runnable task, Duration delay) {
        try {
            retries.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            LOG.debug("closed: not running {}", task);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        retries.shutdownNow();
        closeStream();
    }

    private void closeStream() {
        if (stream != null) {
            try {
                stream.close();
            } catch (java.io.IOException e) {
                LOG.debug("closing the Docker event stream", e);
            }
            stream = null;
        }
    }
}
