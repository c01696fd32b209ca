/**
 * The group socket: InfraKit's Group SPI ({@code Group/0.1.0}) and {@code Manager.IsLeader}, served on a Unix socket
 * by every replica and backed by the specs in etcd, so InfraKit's own CLI drives this operator.
 */
package io.infrakit.operator.groupsocket;
