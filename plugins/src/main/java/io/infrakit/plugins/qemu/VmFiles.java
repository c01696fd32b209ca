package io.infrakit.plugins.qemu;

import io.infrakit.plugins.spi.PluginException;
import java.nio.file.Path;

/**
 * Where one VM's files live: {@code <state dir>/<id>/}. The sockets are QEMU's own (it creates them, and leaves
 * them behind when killed); the pid file is QEMU's too, removed when it exits cleanly.
 */
record VmFiles(Path dir) {

    /** The longest path a Unix socket address can hold (sun_path is 108 bytes with the terminating NUL). */
    static final int MAX_SOCKET_PATH = 107;

    VmFiles {
        dir = dir.toAbsolutePath();
    }

    /** The state file: ID, logical ID, tags, the spec, when it was made. */
    Path record() {
        return dir.resolve("vm.json");
    }

    Path pidFile() {
        return dir.resolve("qemu.pid");
    }

    /** The serial console, to attach to ({@code socat - UNIX-CONNECT:console.sock}). */
    Path consoleSocket() {
        return dir.resolve("console.sock");
    }

    /** Everything the guest wrote on its serial console, kept after the VM is gone. */
    Path consoleLog() {
        return dir.resolve("console.log");
    }

    /** QMP for commands (query-status, system_powerdown, quit): short connections, one at a time. */
    Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    /** A second QMP monitor that the plugin holds open: its events, and its end the moment QEMU exits. */
    Path watchSocket() {
        return dir.resolve("watch.sock");
    }

    /** What {@code qemu-system-*} printed while starting (its errors), kept after the VM is gone. */
    Path qemuLog() {
        return dir.resolve("qemu.log");
    }

    /** The config drive's files (cloud-init NoCloud layout: user-data, meta-data). */
    Path configDir() {
        return dir.resolve("config");
    }

    /** The disk of an instance without a logical ID, removed with it. */
    Path ownDisk() {
        return dir.resolve("disk.qcow2");
    }

    /**
     * @throws PluginException when a socket path would be too long for a Unix socket address
     */
    VmFiles checkSocketPaths() {
        for (Path socket : new Path[] {consoleSocket(), qmpSocket(), watchSocket()}) {
            if (socket.toString().length() > MAX_SOCKET_PATH) {
                throw new PluginException("the qemu state directory is too deep for Unix sockets: " + socket
                        + " is longer than " + MAX_SOCKET_PATH + " characters; use a shorter directory");
            }
        }
        return this;
    }
}
