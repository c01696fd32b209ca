/**
 * The {@code qemu} instance plugin: each instance is a QEMU virtual machine booting a kernel directly, with its
 * serial console and QMP monitors on Unix sockets, a config drive carrying the flavor's init script, and for pets a
 * qcow2 disk that outlives the VM.
 */
package io.infrakit.plugins.qemu;
