/**
 * The operator's HTTP endpoint ({@code --http}): {@code /metrics} for Prometheus, {@code /healthz} (alive, etcd
 * reachable) and {@code /readyz} (spec watch synced, leader or warm standby). Loopback unless told otherwise.
 */
package io.infrakit.operator.http;
