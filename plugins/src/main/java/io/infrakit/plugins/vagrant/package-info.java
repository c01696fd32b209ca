/**
 * The {@code vagrant} instance plugin: each instance a Vagrant machine in a directory of its own, made from a
 * Vagrantfile template by the {@code vagrant} command (any provider; the docker provider runs machines as containers).
 */
package io.infrakit.plugins.vagrant;
