package io.infrakit.store.testing;

import io.infrakit.store.Listing;
import io.infrakit.store.WatchEvent;
import io.infrakit.store.WatchListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Records what a watch delivers, and lets a test wait for it. Also checks that calls never overlap. */
public final class RecordingWatchListener implements WatchListener {

    private final List<WatchEvent> events = new ArrayList<>();
    private final List<Listing> resyncs = new ArrayList<>();
    private final List<Throwable> disconnects = new ArrayList<>();
    private final List<Rewind> rewinds = new ArrayList<>();
    private final AtomicInteger inside = new AtomicInteger();
    private volatile boolean overlapped;

    @Override
    public void onEvent(WatchEvent event) {
        enter();
        synchronized (this) {
            events.add(event);
            notifyAll();
        }
        leave();
    }

    @Override
    public void onResync(Listing snapshot) {
        enter();
        synchronized (this) {
            resyncs.add(snapshot);
            notifyAll();
        }
        leave();
    }

    /** A revision going backwards, and how many resyncs had been delivered before it. */
    public record Rewind(long seen, long now, int resyncsBefore) {
    }

    @Override
    public void onRevisionBackwards(long seen, long now) {
        enter();
        synchronized (this) {
            rewinds.add(new Rewind(seen, now, resyncs.size()));
            notifyAll();
        }
        leave();
    }

    public synchronized List<Rewind> rewinds() {
        return List.copyOf(rewinds);
    }

    @Override
    public void onDisconnected(Throwable cause) {
        enter();
        synchronized (this) {
            disconnects.add(cause);
            notifyAll();
        }
        leave();
    }

    private void enter() {
        if (inside.incrementAndGet() != 1) {
            overlapped = true;
        }
    }

    private void leave() {
        inside.decrementAndGet();
    }

    /** Whether two calls ever ran at the same time (the contract says they never do). */
    public boolean overlapped() {
        return overlapped;
    }

    public synchronized List<WatchEvent> events() {
        return List.copyOf(events);
    }

    public synchronized List<Listing> resyncs() {
        return List.copyOf(resyncs);
    }

    public synchronized List<Throwable> disconnects() {
        return List.copyOf(disconnects);
    }

    /** Waits until at least {@code n} events arrived; returns all events so far. */
    public List<WatchEvent> awaitEvents(int n, Duration timeout) {
        return awaitEvents(timeout, "at least " + n + " events", list -> list.size() >= n);
    }

    /** Waits until an event on {@code key} arrived; returns all events so far. */
    public List<WatchEvent> awaitEventOn(String key, Duration timeout) {
        return awaitEvents(timeout, "an event on " + key, list -> list.stream().anyMatch(e -> e.key().equals(key)));
    }

    public synchronized List<WatchEvent> awaitEvents(Duration timeout, String what, Predicate<List<WatchEvent>> done) {
        awaitState(timeout, what, () -> done.test(events));
        return List.copyOf(events);
    }

    public synchronized Listing awaitResync(int n, Duration timeout) {
        awaitState(timeout, n + " resyncs", () -> resyncs.size() >= n);
        return resyncs.get(n - 1);
    }

    public synchronized Throwable awaitDisconnect(Duration timeout) {
        awaitState(timeout, "a disconnect", () -> !disconnects.isEmpty());
        return disconnects.get(0);
    }

    private synchronized void awaitState(Duration timeout, String what, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; have " + events.size() + " events, " + resyncs.size() + " resyncs, "
                        + disconnects.size() + " disconnects");
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
