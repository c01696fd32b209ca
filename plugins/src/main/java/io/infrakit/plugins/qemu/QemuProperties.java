package io.infrakit.plugins.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.json.GoDuration;
import io.infrakit.plugins.spi.PluginException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instance properties of a {@code qemu} group. The names of InfraKit's hyperkit plugin (v0.5) are kept where
 * they mean the same ({@code Kernel}, {@code Initrd}, {@code CmdLine}, {@code CPUs}, {@code Memory} in MiB,
 * {@code disk_size} or {@code DiskSize} in MiB); the rest is QEMU's own:
 * <pre>{@code
 * {"Kernel": "/vm/vmlinuz", "Initrd": "/vm/initramfs.cpio.gz", "CmdLine": "quiet",
 *  "CPUs": 1, "Memory": 256, "DiskSize": 512,
 *  "Network": "none" | "user", "Forwards": [{"Host": "127.0.0.1:2222", "Guest": 22, "Protocol": "tcp"}],
 *  "StopGrace": "10s", "Accel": "auto" | "kvm" | "tcg", "Qemu": "qemu-system-x86_64",
 *  "BootMarker": "text the guest prints on its console once up", "BootDeadline": "5m"}
 * }</pre>
 */
record QemuProperties(String kernel, String initrd, String cmdline, int cpus, int memoryMib, int diskMib,
                      Network network, List<Forward> forwards, Duration stopGrace, Accel accel, String qemu,
                      String bootMarker, Duration bootDeadline) {

    static final int DEFAULT_MEMORY_MIB = 256;
    static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    static final Duration DEFAULT_BOOT_DEADLINE = Duration.ofMinutes(5);
    static final String DEFAULT_QEMU = "qemu-system-x86_64";
    private static final Pattern HOST = Pattern.compile("(?:(\\d{1,3}(?:\\.\\d{1,3}){3}):)?(\\d{1,5})");

    /** The guest's network card: none (the default), or QEMU's user-mode network (NAT, no root needed). */
    enum Network { NONE, USER }

    /** kvm when {@code /dev/kvm} can be used, else tcg (pure emulation, slower, runs anywhere). */
    enum Accel { AUTO, KVM, TCG }

    /** A host port forwarded to a guest port, over the user-mode network; the host address defaults to loopback. */
    record Forward(String hostAddress, int hostPort, int guestPort, String protocol) {
    }

    QemuProperties {
        forwards = List.copyOf(forwards);
    }

    /**
     * @throws PluginException naming the field that is wrong
     */
    static QemuProperties parse(JsonNode properties) {
        if (properties == null || properties.isNull() || properties.isMissingNode()) {
            throw new PluginException("Properties must be set (at least \"Kernel\")");
        }
        ObjectFields f = ObjectFields.of(properties, "Properties", PluginException::new);
        String kernel = f.string("Kernel");
        if (kernel == null || kernel.isBlank()) {
            throw new PluginException("Properties.Kernel must be set: the path of the guest's kernel");
        }
        int cpus = integer(f, "CPUs", 1, 1, 64);
        int memory = integer(f, "Memory", DEFAULT_MEMORY_MIB, 16, 1 << 20);
        int disk = f.get("DiskSize") != null ? integer(f, "DiskSize", 0, 0, 1 << 24)
                : integer(f, "disk_size", 0, 0, 1 << 24);
        Network network = choice(f, "Network", Network.class, Network.NONE);
        List<Forward> forwards = f.list("Forwards", QemuProperties::forward);
        forwards = forwards == null ? List.of() : forwards;
        if (!forwards.isEmpty() && network != Network.USER) {
            throw f.fail("Forwards", "need \"Network\": \"user\"");
        }
        String marker = f.string("BootMarker", "");
        return new QemuProperties(kernel, f.string("Initrd", ""), cmdline(f), cpus, memory, disk, network, forwards,
                duration(f, "StopGrace", DEFAULT_STOP_GRACE), choice(f, "Accel", Accel.class, Accel.AUTO),
                f.string("Qemu", DEFAULT_QEMU), marker, duration(f, "BootDeadline", DEFAULT_BOOT_DEADLINE));
    }

    /**
     * What the VM takes from this host: the kernel and initramfs files (read by QEMU; whatever they hold is the
     * guest's), the program run when it is not the default, the host's loopback services (QEMU's user-mode network
     * lets the guest reach them at 10.0.2.2), and the host addresses of forwarded ports.
     */
    List<HostRequest> hostRequests() {
        List<HostRequest> out = new ArrayList<>();
        out.add(HostRequest.of(HostRequest.Kind.HOST_PATH_READ, hostPath(kernel), "Kernel"));
        if (!initrd.isEmpty()) {
            out.add(HostRequest.of(HostRequest.Kind.HOST_PATH_READ, hostPath(initrd), "Initrd"));
        }
        if (!qemu.equals(DEFAULT_QEMU)) {
            out.add(HostRequest.of(HostRequest.Kind.COMMAND, qemu, "Qemu"));
        }
        if (network == Network.USER) {
            out.add(HostRequest.of(HostRequest.Kind.HOST_LOOPBACK, "", "Network"));
        }
        for (int i = 0; i < forwards.size(); i++) {
            out.add(HostRequest.of(HostRequest.Kind.LISTEN, forwards.get(i).hostAddress(), "Forwards[" + i + "].Host"));
        }
        return out;
    }

    /** A path as QEMU is given it: relative to the operator's working directory. */
    static String hostPath(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    /** {@code CmdLine}, as InfraKit's hyperkit plugin names it ({@code cmdline} matches too: keys fold case). */
    private static String cmdline(ObjectFields f) {
        return f.string("CmdLine", "");
    }

    private static Forward forward(ObjectFields f) {
        JsonNode host = f.get("Host");
        String text = host == null ? "" : host.isNumber() ? host.asText() : f.string("Host");
        Matcher m = HOST.matcher(text.trim());
        if (!m.matches() || Integer.parseInt(m.group(2)) == 0 || Integer.parseInt(m.group(2)) > 65535) {
            throw f.fail("Host", "must be a port or address:port, like \"2222\" or \"127.0.0.1:2222\", got \""
                    + text + "\"");
        }
        String protocol = f.string("Protocol", "tcp").toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw f.fail("Protocol", "must be \"tcp\" or \"udp\", got \"" + protocol + "\"");
        }
        return new Forward(m.group(1) == null ? "127.0.0.1" : m.group(1), Integer.parseInt(m.group(2)),
                integer(f, "Guest", -1, 1, 65535), protocol);
    }

    private static int integer(ObjectFields f, String name, int fallback, int min, int max) {
        JsonNode v = f.get(name);
        if (v == null) {
            if (fallback < min) {
                throw f.fail(name, "must be set");
            }
            return fallback;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw f.fail(name, "must be an integer, got " + ObjectFields.kind(v));
        }
        long n = v.asLong();
        if (n < min || n > max) {
            throw f.fail(name, "must be between " + min + " and " + max + ", got " + n);
        }
        return (int) n;
    }

    private static <E extends Enum<E>> E choice(ObjectFields f, String name, Class<E> type, E fallback) {
        String text = f.string(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> known = java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> "\"" + c.name().toLowerCase(Locale.ROOT) + "\"").toList();
            throw f.fail(name, "must be one of " + String.join(", ", known) + ", got \"" + text + "\"");
        }
    }

    /** Go's duration syntax ("500ms", "10s", "1m30s"). */
    private static Duration duration(ObjectFields f, String name, Duration fallback) {
        String text = f.string(name);
        if (text == null) {
            return fallback;
        }
        try {
            Duration d = GoDuration.parse(text.trim());
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw f.fail(name, "must be a duration like \"500ms\", \"10s\" or \"1m\", got \"" + text + "\"");
        }
    }
}
