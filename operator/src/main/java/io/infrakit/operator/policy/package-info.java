/**
 * The spec admission policy: which plugins a group may use and what they may ask of the operator's host (commands,
 * host paths, container privileges, URLs, Docker engines), per group ID pattern and prefix. Read from a file or an
 * etcd key that only an administrator writes ({@link io.infrakit.operator.policy.PolicyFile},
 * {@link io.infrakit.operator.policy.PolicyKey}); applied by the write path before a spec is written and by the
 * controller before any plugin call ({@link io.infrakit.operator.policy.Admission}); and by the plugins themselves
 * just before they reach out ({@link io.infrakit.operator.policy.PolicyGuard}).
 */
package io.infrakit.operator.policy;
