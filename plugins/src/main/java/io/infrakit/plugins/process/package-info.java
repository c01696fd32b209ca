/**
 * The {@code process} instance plugin: each instance is a detached, supervised OS process, tracked in a state
 * directory so it outlives the operator.
 */
package io.infrakit.plugins.process;
