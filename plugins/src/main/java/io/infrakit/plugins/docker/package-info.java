/**
 * The {@code docker} instance plugin: each instance a container on a Docker engine, through the Engine API on the
 * engine's socket ({@link io.infrakit.plugins.docker.DockerClients} pins API version 1.41).
 */
package io.infrakit.plugins.docker;
