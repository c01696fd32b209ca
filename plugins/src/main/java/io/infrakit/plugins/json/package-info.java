/**
 * InfraKit's JSON as Go writes and reads it: {@link io.infrakit.plugins.json.Json} (the shared Jackson setup),
 * {@link io.infrakit.plugins.json.GoJson} and {@link io.infrakit.plugins.json.GoFloat} (byte-exact Go output, needed
 * for the config hash and the file plugin's files), {@link io.infrakit.plugins.json.ObjectFields} (Go-style
 * case-insensitive field access with errors that name the field).
 */
package io.infrakit.plugins.json;
