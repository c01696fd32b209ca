/** An instance plugin that keeps instances in memory, for tests and for measuring the controller alone. */
package io.infrakit.plugins.memory;
