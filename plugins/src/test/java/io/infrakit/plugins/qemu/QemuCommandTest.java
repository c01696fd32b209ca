package io.infrakit.plugins.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.plugins.json.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {

    private static final VmFiles FILES = new VmFiles(Path.of("/state/qemu-abc"));

    private static List<String> command(String properties, Path disk, boolean kvm) {
        return QemuCommand.build(QemuProperties.parse(Json.parse(properties)), FILES, "qemu-abc", disk, kvm);
    }

    /** The value following an option, for each time it appears. */
    private static List<String> values(List<String> cmd, String option) {
        List<String> values = new java.util.ArrayList<>();
        for (int i = 0; i < cmd.size() - 1; i++) {
            if (cmd.get(i).equals(option)) {
                values.add(cmd.get(i + 1));
            }
        }
        return values;
    }

    @Test
    void bootsTheKernelDaemonizedWithConsoleMonitorsAndConfigDrive() {
        List<String> cmd = command("{\"Kernel\":\"/k\",\"Initrd\":\"/i\",\"CmdLine\":\"quiet\",\"Memory\":128}",
                null, false);
        assertThat(cmd.get(0)).isEqualTo("qemu-system-x86_64");
        assertThat(cmd).contains("-nodefaults", "-no-user-config", "-no-reboot", "-daemonize");
        assertThat(values(cmd, "-accel")).containsExactly("tcg");
        assertThat(values(cmd, "-m")).containsExactly("128M");
        assertThat(values(cmd, "-kernel")).containsExactly("/k");
        assertThat(values(cmd, "-initrd")).containsExactly("/i");
        assertThat(values(cmd, "-append")).containsExactly("console=ttyS0 panic=-1 infrakit.id=qemu-abc quiet");
        assertThat(values(cmd, "-pidfile")).containsExactly("/state/qemu-abc/qemu.pid");
        assertThat(values(cmd, "-chardev")).containsExactly(
                "socket,id=console,server=on,wait=off,path=/state/qemu-abc/console.sock,"
                        + "logfile=/state/qemu-abc/console.log,logappend=on",
                "socket,id=qmp,server=on,wait=off,path=/state/qemu-abc/qmp.sock",
                "socket,id=watch,server=on,wait=off,path=/state/qemu-abc/watch.sock");
        assertThat(values(cmd, "-mon")).containsExactly("chardev=qmp,mode=control", "chardev=watch,mode=control");
        assertThat(values(cmd, "-drive")).containsExactly(
                "if=none,id=config,driver=vvfat,read-only=on,label=cidata,dir=/state/qemu-abc/config");
        assertThat(values(cmd, "-nic")).containsExactly("none");
    }

    @Test
    void aDiskIsAttachedWithItsSerialAndTheUserNetworkForwardsPorts() {
        List<String> cmd = command("{\"Kernel\":\"/k\",\"DiskSize\":64,\"Network\":\"user\","
                + "\"Forwards\":[{\"Host\":2222,\"Guest\":22}]}", Path.of("/state/disks/db,1.qcow2"), true);
        assertThat(values(cmd, "-accel")).containsExactly("kvm");
        assertThat(values(cmd, "-drive")).contains("if=none,id=disk,format=qcow2,file=/state/disks/db,,1.qcow2");
        assertThat(values(cmd, "-device")).contains("virtio-blk-pci,drive=disk,serial=infrakit-disk");
        assertThat(values(cmd, "-nic")).containsExactly("user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:2222-:22");
        assertThat(values(cmd, "-initrd")).isEmpty();
    }
}
