package io.infrakit.operator.testing;

import io.infrakit.operator.Keys;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.store.Store;
import io.infrakit.store.testing.Await;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** A group's status as the leader wrote it to etcd, and waits for it, for scenario tests. */
public final class GroupStatuses {

    private final Store store;
    private final Keys keys;

    public GroupStatuses(Store store, Keys keys) {
        this.store = store;
        this.keys = keys;
    }

    public Optional<GroupStatus> status(String id) {
        return store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }

    /** Fails with the group's last status in the message, which says why it did not get there. */
    public GroupStatus await(String id, Duration timeout, Predicate<GroupStatus> condition, String what) {
        try {
            return Await.value(timeout, what, () -> status(id).filter(condition).orElse(null));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last status: " + status(id).orElse(null), e);
        }
    }

    /** Converged with {@code n} instances desired and observed. */
    public GroupStatus awaitConverged(String id, Duration timeout, long n) {
        return await(id, timeout, s -> s.converged() && s.observed() == n && s.desired() == n,
                id + " converged at " + n);
    }
}
