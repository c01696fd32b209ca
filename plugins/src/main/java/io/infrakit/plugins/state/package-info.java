/**
 * Where the built-in plugins keep their state ({@link io.infrakit.plugins.state.InfraKitHome}), and the files they keep it in: private to the user who runs them, written atomically, read
 * within bounds ({@link io.infrakit.plugins.state.PrivateFiles}).
 */
package io.infrakit.plugins.state;
