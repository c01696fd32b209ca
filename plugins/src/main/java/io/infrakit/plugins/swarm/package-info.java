/**
 * The {@code swarm} flavor: InfraKit's Docker Swarm flavor ({@code flavor-swarm/manager}, {@code flavor-swarm/worker}).
 * Prepare reads the swarm's state from a manager's engine and gives each instance a script that labels its engine
 * and initialises or joins the swarm; health and drain find the instance's swarm node by an engine label.
 */
package io.infrakit.plugins.swarm;
