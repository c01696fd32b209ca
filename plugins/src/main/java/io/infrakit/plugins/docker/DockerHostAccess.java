package io.infrakit.plugins.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.access.HostRequest.Kind;
import io.infrakit.plugins.json.ObjectFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a docker group's properties ask of the engine's host, read as the engine reads them: {@code HostConfig}
 * keys in any case (Go's folding), every known field that reaches the host turned into a request, and any field
 * not known to be harmless reported by name, so a setting added to the Engine API later is refused until a policy
 * names it. Network attachments to Docker's {@code host} network count as the host's network namespace.
 */
final class DockerHostAccess {

    /** HostConfig fields that limit or shape the container and reach nothing of the host's. */
    private static final Set<String> HARMLESS = Set.of("CpuShares", "Memory", "BlkioWeight", "BlkioWeightDevice",
            "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuPeriod",
            "CpuQuota", "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpusetCpus", "CpusetMems", "KernelMemory",
            "KernelMemoryTCP", "MemoryReservation", "MemorySwap", "MemorySwappiness", "NanoCpus", "OomKillDisable",
            "Init", "PidsLimit", "Ulimits", "CpuCount", "CpuPercent", "IOMaximumIOps", "IOMaximumBandwidth",
            "LogConfig", "RestartPolicy", "AutoRemove", "CapDrop", "Dns", "DnsOptions", "DnsSearch", "ExtraHosts",
            "GroupAdd", "Links", "OomScoreAdj", "ReadonlyRootfs", "StorageOpt", "Tmpfs", "ShmSize", "ConsoleSize",
            "Isolation");
    /** Fields read below; any other is a setting (ENGINE_SETTING) unless harmless. */
    private static final List<String> KNOWN = List.of("Privileged", "Binds", "Mounts", "Devices", "CapAdd",
            "SecurityOpt", "MaskedPaths", "ReadonlyPaths", "NetworkMode", "PidMode", "IpcMode", "UTSMode",
            "UsernsMode", "CgroupnsMode", "PortBindings", "PublishAllPorts");

    private DockerHostAccess() {
    }

    static List<HostRequest> requests(JsonNode properties) {
        DockerProperties p = DockerProperties.parse(properties);
        List<HostRequest> out = new ArrayList<>();
        for (DockerProperties.NetworkAttachment n : p.networks()) {
            if (n.name().equals("host") || n.driver().equals("host")) {
                out.add(HostRequest.of(Kind.HOST_NAMESPACE, "network", "NetworkAttachments." + n.name()));
            }
        }
        JsonNode networking = ObjectFields.of(p.config(), "Config", IllegalArgumentException::new)
                .get("NetworkingConfig");
        if (networking != null) {
            out.add(HostRequest.of(Kind.ENGINE_SETTING, "NetworkingConfig", "Config.NetworkingConfig"));
        }
        if (p.hostConfig() != null) {
            for (Map.Entry<String, JsonNode> e : p.hostConfig().properties()) {
                if (!e.getValue().isNull()) {
                    hostConfig(out, e.getKey(), e.getValue());
                }
            }
        }
        return out;
    }

    private static void hostConfig(List<HostRequest> out, String key, JsonNode v) {
        String field = "HostConfig." + key;
        String name = KNOWN.stream().filter(k -> ObjectFields.foldEquals(k, key)).findFirst().orElse(null);
        if (name == null) {
            if (HARMLESS.stream().noneMatch(k -> ObjectFields.foldEquals(k, key))) {
                out.add(HostRequest.of(Kind.ENGINE_SETTING, key, field));
            }
            return;
        }
        switch (name) {
            case "Privileged" -> {
                if (!(v.isBoolean() && !v.booleanValue())) {
                    out.add(HostRequest.of(Kind.PRIVILEGED, "", field));
                }
            }
            case "Binds" -> each(v, field, (item, at) -> bind(out, item.asText(), at));
            case "Mounts" -> each(v, field, (item, at) -> mount(out, item, at));
            case "Devices" -> each(v, field, (item, at) -> out.add(HostRequest.of(Kind.DEVICE,
                    item.isObject() ? item.path(findKey(item, "PathOnHost")).asText() : item.asText(), at)));
            case "CapAdd" -> each(v, field, (item, at) -> out.add(HostRequest.of(Kind.CAPABILITY,
                    capability(item.asText()), at)));
            case "SecurityOpt" -> each(v, field, (item, at) -> {
                if (!tightening(item.asText())) {
                    out.add(HostRequest.of(Kind.SECURITY_OPTION, item.asText(), at));
                }
            });
            case "MaskedPaths", "ReadonlyPaths" -> out.add(HostRequest.of(Kind.SECURITY_OPTION,
                    "systempaths=unconfined", field));
            case "NetworkMode" -> mode(out, v, "network", field);
            case "PidMode" -> mode(out, v, "pid", field);
            case "IpcMode" -> mode(out, v, "ipc", field);
            case "UTSMode" -> mode(out, v, "uts", field);
            case "UsernsMode" -> mode(out, v, "userns", field);
            case "CgroupnsMode" -> mode(out, v, "cgroup", field);
            case "PortBindings" -> ports(out, v, field);
            case "PublishAllPorts" -> {
                if (!(v.isBoolean() && !v.booleanValue())) {
                    out.add(HostRequest.of(Kind.LISTEN, "0.0.0.0", field));
                }
            }
            default -> throw new IllegalStateException(name);
        }
    }

    /** {@code host:container[:options]}: a source that is an absolute path is the host's; otherwise a volume name. */
    private static void bind(List<HostRequest> out, String bind, String field) {
        String[] parts = bind.split(":");
        if (parts.length >= 2 && parts[0].startsWith("/")) {
            boolean readOnly = parts.length >= 3 && List.of(parts[2].split(",")).contains("ro");
            out.add(HostRequest.of(readOnly ? Kind.HOST_PATH_READ : Kind.HOST_PATH_WRITE, parts[0], field));
        } else if (parts.length < 2) {
            out.add(HostRequest.of(Kind.ENGINE_SETTING, "Binds entry \"" + bind + "\"", field));
        }
    }

    /** Bind mounts name a host path; volumes with driver options can too (the local driver's {@code device}). */
    private static void mount(List<HostRequest> out, JsonNode m, String field) {
        String type = m.path(findKey(m, "Type")).asText("").toLowerCase(Locale.ROOT);
        boolean readOnly = m.path(findKey(m, "ReadOnly")).asBoolean(false);
        switch (type) {
            case "bind" -> out.add(HostRequest.of(readOnly ? Kind.HOST_PATH_READ : Kind.HOST_PATH_WRITE,
                    m.path(findKey(m, "Source")).asText(""), field));
            case "tmpfs" -> { }
            case "volume" -> {
                JsonNode options = m.path(findKey(m, "VolumeOptions"));
                if (options.isObject() && !options.path(findKey(options, "DriverConfig")).isMissingNode()
                        && !options.path(findKey(options, "DriverConfig")).isNull()) {
                    out.add(HostRequest.of(Kind.ENGINE_SETTING, "Mounts.VolumeOptions.DriverConfig", field));
                }
            }
            default -> out.add(HostRequest.of(Kind.ENGINE_SETTING, "Mounts of type \"" + type + "\"", field));
        }
    }

    /** {@code host} is the host's namespace; {@code container:<id>} another container's. */
    private static void mode(List<HostRequest> out, JsonNode v, String namespace, String field) {
        String mode = v.asText("");
        if (mode.equals("host")) {
            out.add(HostRequest.of(Kind.HOST_NAMESPACE, namespace, field));
        } else if (mode.startsWith("container:")) {
            out.add(HostRequest.of(Kind.HOST_NAMESPACE, "container", field));
        }
    }

    /** {@code {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}: an empty address is every address. */
    private static void ports(List<HostRequest> out, JsonNode v, String field) {
        if (!v.isObject()) {
            out.add(HostRequest.of(Kind.ENGINE_SETTING, "PortBindings", field));
            return;
        }
        for (Map.Entry<String, JsonNode> port : v.properties()) {
            each(port.getValue(), field + "." + port.getKey(), (binding, at) -> {
                String ip = binding.path(findKey(binding, "HostIp")).asText("");
                out.add(HostRequest.of(Kind.LISTEN, ip.isEmpty() ? "0.0.0.0" : ip, at));
            });
        }
    }

    private static boolean tightening(String option) {
        String o = option.replace('=', ':').toLowerCase(Locale.ROOT);
        return o.equals("no-new-privileges") || o.equals("no-new-privileges:true");
    }

    private static String capability(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper.substring(4) : upper;
    }

    /** The key of {@code node} that Go would decode as {@code name}; {@code name} itself when there is none. */
    private static String findKey(JsonNode node, String name) {
        String found = name;
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (ObjectFields.foldEquals(name, e.getKey())) {
                    found = e.getKey();
                }
            }
        }
        return found;
    }

    private interface Item {
        void accept(JsonNode item, String field);
    }

    /** Each element of an array (a single value counts as one), with its place for messages. */
    private static void each(JsonNode v, String field, Item item) {
        if (!v.isArray()) {
            item.accept(v, field);
            return;
        }
        for (int i = 0; i < v.size(); i++) {
            item.accept(v.get(i), field + "[" + i + "]");
        }
    }
}
