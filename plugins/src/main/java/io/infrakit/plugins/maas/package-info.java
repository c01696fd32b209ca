/**
 * The {@code maas} instance plugin: machines of a MAAS server, allocated, deployed with the flavor's init script as
 * user data and released through MAAS's REST API (OAuth 1.0a signed), InfraKit's tags kept as MAAS tags.
 */
package io.infrakit.plugins.maas;
