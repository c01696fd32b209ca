package io.infrakit.store;

/**
 * A lease as etcd reports it.
 *
 * @param grantedSeconds the TTL it was granted
 * @param remainingSeconds the seconds before it expires unless kept alive (etcd counts whole seconds)
 */
public record LeaseTtl(long grantedSeconds, long remainingSeconds) {
}
