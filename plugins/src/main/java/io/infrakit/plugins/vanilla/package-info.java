/** InfraKit's vanilla flavor: fixed init lines, tags and attachments; every instance healthy. */
package io.infrakit.plugins.vanilla;
