/**
 * What a spec asks of the operator's host, said in one vocabulary so that an admission policy can judge any
 * plugin: each built-in plugin describes its properties as {@link io.infrakit.plugins.access.HostRequest}s through
 * a {@link io.infrakit.plugins.access.HostAccess}, and a plugin that reaches out on a spec's behalf asks a
 * {@link io.infrakit.plugins.access.HostGuard} first.
 */
package io.infrakit.plugins.access;
