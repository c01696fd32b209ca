package io.infrakit.plugins.spi;

/**
 * What InfraKit's manager answers besides the Group SPI ({@code Manager/0.1.0}): whether this node leads. InfraKit's
 * CLI looks for the socket that says yes before it runs {@code infrakit manager} commands.
 */
@FunctionalInterface
public interface ManagerPlugin {

    boolean isLeader();
}
