/**
 * Finding plugins by name: {@link io.infrakit.plugins.PluginLookup}, with the built-ins in
 * {@link io.infrakit.plugins.PluginRegistry}.
 */
package io.infrakit.plugins;
