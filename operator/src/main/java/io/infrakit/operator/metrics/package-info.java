/**
 * Prometheus metrics of the operator (Micrometer). Names follow controller-runtime where the meaning is the same
 * ({@code controller_runtime_reconcile_total}, {@code workqueue_depth}, {@code leader_election_master_status});
 * the rest start with {@code infrakit_}. etcd and plugin timings come from decorators ({@link MeteredStore},
 * {@link MeteredPlugins}), so the store and plugin modules know nothing of metrics.
 */
package io.infrakit.operator.metrics;
