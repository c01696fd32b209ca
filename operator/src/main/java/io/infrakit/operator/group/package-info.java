/**
 * The group model, without I/O: a spec checked ({@link io.infrakit.operator.group.SpecValidator} →
 * {@link io.infrakit.operator.group.GroupDefinition}), what to create and destroy
 * ({@link io.infrakit.operator.group.Planner}), a rolling update's next step
 * ({@link io.infrakit.operator.group.RollingUpdater}), and what the status says
 * ({@link io.infrakit.operator.group.GroupStatus}). The controller, the write path, the CLI, the group socket and
 * sync depend on it, never the other way round.
 */
package io.infrakit.operator.group;
