/**
 * Files the built-in plugins keep their state in: private to the user who runs them, written atomically, read
 * within bounds ({@link io.infrakit.plugins.state.PrivateFiles}).
 */
package io.infrakit.plugins.state;
