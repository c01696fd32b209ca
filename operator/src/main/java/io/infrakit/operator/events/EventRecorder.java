package io.infrakit.operator.events;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.infrakit.operator.election.LeaderTerm;
import io.infrakit.operator.election.LostLeadershipException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's events: recorded in memory by the controller's threads, written to the {@link EventStore} at most
 * once per {@code interval} in one batch (fenced on the leader's term), so a burst of provisions or a crash loop
 * costs a few etcd transactions a second, not one per event. Between writes each group buffers at most
 * {@link EventStore#KEEP} events (the oldest give way). While etcd is unreachable the buffer is kept and retried;
 * when leadership is lost it is dropped, as the status writes are. Every hour of a term it sweeps the events of
 * groups long gone.
 */
public final class EventRecorder implements EventSink, AutoCloseable {

    /** The default time between two writes: what a watcher of the log may lag behind. */
    public static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration SWEEP_EVERY = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final EventStore events;
    private final Clock clock;
    private final long intervalNanos;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Deque<Event>> buffer = new LinkedHashMap<>(); // guarded by this
    private LeaderTerm term; // guarded by this; null: not leading, events are dropped
    private ScheduledFuture<?> flush; // guarded by this
    private ScheduledFuture<?> sweep; // guarded by this
    private long lastFlush; // guarded by this
    private int dropped; // guarded by this
    private volatile boolean failing;

    public EventRecorder(EventStore events, Clock clock, Duration interval) {
        this.events = events;
        this.clock = clock;
        this.intervalNanos = interval.toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                .setNameFormat("infrakit-events-%d").setDaemon(true).build());
        this.lastFlush = System.nanoTime() - intervalNanos;
    }

    public Clock clock() {
        return clock;
    }

    /** Starts recording for a leader term. */
    public synchronized void lead(LeaderTerm t) {
        term = t;
        events.forgetCounters();
        sweep = scheduler.scheduleWithFixedDelay(this::sweep, 0, SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes what is buffered (while the term still allows it), then records nothing until the next term. */
    public void standDown() {
        flush();
        synchronized (this) {
            term = null;
            buffer.clear();
            if (flush != null) {
                flush.cancel(false);
                flush = null;
            }
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
        }
    }

    @Override
    public synchronized void record(Event event) {
        if (term == null) {
            return;
        }
        Deque<Event> group = buffer.computeIfAbsent(event.group(), g -> new ArrayDeque<>());
        group.addLast(event);
        if (group.size() > EventStore.KEEP) {
            group.removeFirst();
            dropped++;
        }
        schedule();
    }

    /** Guarded by this. */
    private void schedule() {
        if (flush == null && !scheduler.isShutdown()) {
            long wait = Math.max(0, lastFlush + intervalNanos - System.nanoTime());
            flush = scheduler.schedule(this::flush, wait, TimeUnit.NANOSECONDS);
        }
    }

    private void flush() {
        List<Event> batch = new ArrayList<>();
        LeaderTerm t;
        synchronized (this) {
            flush = null;
            lastFlush = System.nanoTime();
            t = term;
            if (t == null || buffer.isEmpty()) {
                return;
            }
            buffer.values().forEach(batch::addAll);
            buffer.clear();
            if (dropped > 0) {
                log.warn("{} events were not recorded: more than {} in a group between two writes", dropped,
                        EventStore.KEEP);
                dropped = 0;
            }
        }
        try {
            events.append(batch, t);
            if (failing) {
                failing = false;
                log.info("events recorded again");
            }
        } catch (LostLeadershipException e) {
            log.debug("events dropped: {}", e.getMessage());
        } catch (RuntimeException e) {
            // etcd unreachable or too busy: keep them (within the bound) and try again later.
            if (!failing) {
                failing = true;
                log.warn("events not recorded yet, retrying: {}", e.toString());
            }
            synchronized (this) {
                if (term == t) {
                    Map<String, Deque<Event>> newer = new LinkedHashMap<>(buffer);
                    buffer.clear();
                    batch.forEach(ev -> buffer.computeIfAbsent(ev.group(), g -> new ArrayDeque<>()).addLast(ev));
                    newer.forEach((g, d) -> d.forEach(ev -> {
                        Deque<Event> q = buffer.computeIfAbsent(g, x -> new ArrayDeque<>());
                        q.addLast(ev);
                        if (q.size() > EventStore.KEEP) {
                            q.removeFirst();
                        }
                    }));
                    schedule();
                }
            }
        }
    }

    private void sweep() {
        LeaderTerm t;
        synchronized (this) {
            t = term;
        }
        if (t == null) {
            return;
        }
        try {
            List<String> removed = events.sweep(EventStore.RETENTION, clock.instant(), t);
            if (!removed.isEmpty()) {
                log.info("removed the events of groups gone for over {}: {}", EventStore.RETENTION, removed);
            }
        } catch (RuntimeException e) {
            log.debug("events sweep: {}", e.toString());
        }
    }

    @Override
    public void close() {
        standDown();
        scheduler.shutdownNow();
    }
}
