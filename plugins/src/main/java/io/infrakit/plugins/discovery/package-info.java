/**
 * Finding plugins that run in other processes, as InfraKit does: sockets and {@code .listen} files in the plugin
 * directory ({@link io.infrakit.plugins.discovery.LocalPluginDirectory}), looked up by name through
 * {@link io.infrakit.plugins.discovery.RemotePluginLookup}.
 */
package io.infrakit.plugins.discovery;
