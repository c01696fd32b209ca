/**
 * The default group plugin's spec: the records, the codec {@link io.infrakit.plugins.group.GroupSpecs}, and the
 * {@code infrakit.config_sha} value {@link io.infrakit.plugins.group.ConfigHash}, bit-compatible with InfraKit v0.5.
 */
package io.infrakit.plugins.group;
