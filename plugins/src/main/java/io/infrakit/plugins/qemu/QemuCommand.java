package io.infrakit.plugins.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code qemu-system-*} command line of one VM. It boots the kernel directly (no firmware menu, no boot disk),
 * has no display and no default devices, and sends its serial console to a socket (and a log file). It daemonizes
 * once its sockets and files are open, writing a pid file. Its disks: the config drive (a read-only FAT view of a
 * directory, labelled {@code cidata} as cloud-init's NoCloud source is) and, when asked for, a qcow2 disk whose
 * serial is {@link #DISK_SERIAL}. A reboot or a panic of the guest ends the process ({@code -no-reboot} with
 * {@code panic=-1}), so a dead guest is a dead process.
 */
final class QemuCommand {

    /** The serial number of the instance's own disk, by which the guest finds it ({@code /sys/block/vd?/serial}). */
    static final String DISK_SERIAL = "infrakit-disk";
    /** The volume label of the config drive: cloud-init's NoCloud data source looks for it. */
    static final String CONFIG_LABEL = "cidata";

    private QemuCommand() {
    }

    /**
     * @param disk the instance's qcow2 disk, or null for none
     * @param kvm  whether to use KVM (else TCG, pure emulation)
     */
    static List<String> build(QemuProperties p, VmFiles files, String id, Path disk, boolean kvm) {
        List<String> cmd = new ArrayList<>();
        cmd.add(p.qemu());
        add(cmd, "-name", "guest=" + id);
        cmd.add("-nodefaults");
        cmd.add("-no-user-config");
        add(cmd, "-display", "none");
        add(cmd, "-accel", kvm ? "kvm" : "tcg");
        add(cmd, "-m", p.memoryMib() + "M");
        add(cmd, "-smp", Integer.toString(p.cpus()));
        // Relative paths mean the operator's working directory, not the VM's (where QEMU runs).
        add(cmd, "-kernel", Path.of(p.kernel()).toAbsolutePath().toString());
        if (!p.initrd().isEmpty()) {
            add(cmd, "-initrd", Path.of(p.initrd()).toAbsolutePath().toString());
        }
        String append = "console=ttyS0 panic=-1 infrakit.id=" + id;
        add(cmd, "-append", p.cmdline().isBlank() ? append : append + " " + p.cmdline().trim());
        cmd.add("-no-reboot");
        add(cmd, "-chardev", "socket,id=console,server=on,wait=off,path=" + escape(files.consoleSocket())
                + ",logfile=" + escape(files.consoleLog()) + ",logappend=on");
        add(cmd, "-serial", "chardev:console");
        monitor(cmd, "qmp", files.qmpSocket());
        monitor(cmd, "watch", files.watchSocket());
        add(cmd, "-drive", "if=none,id=config,driver=vvfat,read-only=on,label=" + CONFIG_LABEL + ",dir="
                + escape(files.configDir()));
        add(cmd, "-device", "virtio-blk-pci,drive=config");
        if (disk != null) {
            add(cmd, "-drive", "if=none,id=disk,format=qcow2,file=" + escape(disk));
            add(cmd, "-device", "virtio-blk-pci,drive=disk,serial=" + DISK_SERIAL);
        }
        add(cmd, "-nic", nic(p));
        cmd.add("-daemonize");
        add(cmd, "-pidfile", files.pidFile().toString());
        return cmd;
    }

    private static void monitor(List<String> cmd, String name, Path socket) {
        add(cmd, "-chardev", "socket,id=" + name + ",server=on,wait=off,path=" + escape(socket));
        add(cmd, "-mon", "chardev=" + name + ",mode=control");
    }

    private static String nic(QemuProperties p) {
        if (p.network() == QemuProperties.Network.NONE) {
            return "none";
        }
        StringBuilder nic = new StringBuilder("user,model=virtio-net-pci");
        for (QemuProperties.Forward f : p.forwards()) {
            nic.append(",hostfwd=").append(f.protocol()).append(':').append(f.hostAddress()).append(':')
                    .append(f.hostPort()).append("-:").append(f.guestPort());
        }
        return nic.toString();
    }

    /** QEMU's option syntax: a comma inside a value is written twice. */
    static String escape(Path path) {
        return path.toString().replace(",", ",,");
    }

    private static void add(List<String> cmd, String option, String value) {
        cmd.add(option);
        cmd.add(value);
    }
}
