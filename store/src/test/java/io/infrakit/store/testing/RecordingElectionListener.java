package io.infrakit.store.testing;

import io.infrakit.store.election.ElectionListener;
import io.infrakit.store.election.LeaderKey;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records an election's callbacks with the time they came, and lets a test wait for them. */
public final class RecordingElectionListener implements ElectionListener {

    /** One callback: {@code key} for onElected, {@code reason} for onDemoted. */
    public record Call(long nanos, LeaderKey key, String reason) {
        public boolean elected() {
            return key != null;
        }
    }

    private final List<Call> calls = new ArrayList<>();

    @Override
    public synchronized void onElected(LeaderKey key) {
        calls.add(new Call(System.nanoTime(), key, null));
        notifyAll();
    }

    @Override
    public synchronized void onDemoted(String reason) {
        calls.add(new Call(System.nanoTime(), null, reason));
        notifyAll();
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized long electedCount() {
        return calls.stream().filter(Call::elected).count();
    }

    public synchronized long demotedCount() {
        return calls.stream().filter(c -> !c.elected()).count();
    }

    /** Waits for the n-th onElected (1-based). */
    public Call awaitElected(int n, Duration timeout) {
        return await(timeout, n + " elections", true, n);
    }

    /** Waits for the n-th onDemoted (1-based). */
    public Call awaitDemoted(int n, Duration timeout) {
        return await(timeout, n + " demotions", false, n);
    }

    private synchronized Call await(Duration timeout, String what, boolean elected, int n) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Call> matching = calls.stream().filter(c -> c.elected() == elected).toList();
            if (matching.size() >= n) {
                return matching.get(n - 1);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; calls so far: " + calls);
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
