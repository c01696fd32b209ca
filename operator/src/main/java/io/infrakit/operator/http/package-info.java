/**
 * The operator's HTTP endpoint ({@code --http}): {@code /metrics} for Prometheus, {@code /healthz} (alive, etcd
 * reachable) and {@code /readyz} (spec watch synced, leader or warm standby), on one Jetty server that more
 * handlers can be mounted on ({@link io.infrakit.operator.http.OperatorHttpServer.Builder#mount}). Loopback unless
 * told otherwise.
 */
package io.infrakit.operator.http;
