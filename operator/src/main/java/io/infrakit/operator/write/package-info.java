/**
 * The one write path for groups: {@link io.infrakit.operator.write.GroupWrites} writes specs and their markers for
 * the CLI, the group socket, sync and the controller, under one set of rules (validated, compare-and-set on the
 * revision read, history kept, sync ownership respected). What a spec must pass is
 * {@link io.infrakit.operator.write.SpecChecks}; the leader's own writes (a failed update's rollback or pause) are
 * {@link io.infrakit.operator.write.LeaderWrites}.
 */
package io.infrakit.operator.write;
