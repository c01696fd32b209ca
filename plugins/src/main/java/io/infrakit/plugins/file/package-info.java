/** InfraKit's file instance plugin: instances are JSON files in a directory, in InfraKit's own file format. */
package io.infrakit.plugins.file;
