/**
 * GitOps for group specs: {@code infrakit sync}. A {@link io.infrakit.operator.sync.SyncSource} (a git repository
 * read with JGit, or a directory) yields spec files; {@link io.infrakit.operator.sync.SpecFiles} parses and
 * validates all of them; the planner compares them with etcd and the sync's record; the applier writes the
 * differences in guarded transactions; {@link io.infrakit.operator.sync.Syncer} ties one sync together and
 * {@link io.infrakit.operator.sync.SyncWatcher} repeats it. See docs/gitops.md.
 */
package io.infrakit.operator.sync;
