/**
 * HTTP serving shared by the plugin sockets and the operator's endpoints, on Jetty: {@link
 * io.infrakit.plugins.http.GuardedServer} (one TCP address or Unix socket, small thread pool, timeouts, graceful
 * stop), {@link io.infrakit.plugins.http.ConnectionGuard} (idle connections make room for real callers, slow heads
 * are cut off, refusals logged once a minute) and {@link io.infrakit.plugins.http.RequestBodies} (bodies read without
 * holding a thread, with a size and a deadline).
 */
package io.infrakit.plugins.http;
