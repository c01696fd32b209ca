/**
 * InfraKit's plugin wire protocol: JSON-RPC 2.0 (gorilla/rpc's json2 codec) over HTTP/1.1 over Unix sockets, on
 * Jetty (see {@link io.infrakit.plugins.http}). {@link io.infrakit.plugins.rpc.PluginServer} serves instance, flavor and group plugins to InfraKit's
 * own tools; {@link io.infrakit.plugins.rpc.RemoteInstancePlugin}, {@link io.infrakit.plugins.rpc.RemoteFlavorPlugin}
 * and {@link io.infrakit.plugins.rpc.RemoteGroupPlugin} call InfraKit's plugins (or ours) through an
 * {@link io.infrakit.plugins.rpc.RpcClient}. Instance 0.5.0 (InfraKit v0.5, linuxkit) and 0.6.x, Flavor 0.1.0 and
 * 0.1.1, Group 0.1.0 and Manager 0.1.0 are spoken.
 */
package io.infrakit.plugins.rpc;
