/**
 * The {@code zookeeper} flavor: InfraKit's ZooKeeper ensemble flavor, with health asked of each member itself.
 */
package io.infrakit.plugins.zookeeper;
