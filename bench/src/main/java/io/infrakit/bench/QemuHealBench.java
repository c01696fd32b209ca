package io.infrakit.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.operator.controller.Controller;
import io.infrakit.operator.controller.ControllerConfig;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.qemu.QemuInstancePlugin;
import io.infrakit.plugins.spi.InstanceDescription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The qemu tutorial's self-healing group of VMs ({@code docs/examples/qemu-vms.json}: 2 VMs under TCG, 128 MiB):
 * spec put → every VM booted (its boot marker on its console), then {@code kill -9} of a VM's QEMU → the
 * replacement's Provision (the plugin's exit report reaching the controller) → the replacement booted. Also the host
 * RSS of each QEMU once booted, and spec delete → every VM powered down. Needs {@code qemu-system-x86}, and the guest
 * built by {@code deploy/qemu-lab/guest-image.sh DIR} ({@code --guest DIR}, default /tmp/infrakit-qemu-guest).
 */
final class QemuHealBench {

    private static final String EXAMPLE = "docs/examples/qemu-vms.json";
    private static final String TUTORIAL_GUEST = "/tmp/infrakit-qemu-guest";
    private static final Pattern GUEST_SECONDS = Pattern.compile("booted in ([0-9.]+)s");

    private QemuHealBench() {
    }

    static void run(Options o) throws Exception {
        int n = o.integer("n", 5, 2);
        Path guest = Path.of(o.string("guest", TUTORIAL_GUEST)).toAbsolutePath();
        if (!Files.exists(guest.resolve("vmlinuz"))) {
            throw new IllegalStateException("no guest in " + guest + ": run deploy/qemu-lab/guest-image.sh " + guest);
        }
        ObjectNode spec = (ObjectNode) Json.parse(Files.readString(example(o.string("spec", EXAMPLE)))
                .replace(TUTORIAL_GUEST, guest.toString()));
        ObjectNode instance = (ObjectNode) spec.path("Properties").path("Instance");
        instance.put("Plugin", "memory"); // the name under which the harness times its driver
        String group = spec.path("ID").asText();
        int size = spec.path("Properties").path("Allocation").path("Size").asInt();
        String marker = instance.path("Properties").path("BootMarker").asText();
        long timeoutMs = TimeUnit.MINUTES.toMillis(5);

        Stats putToBooted = new Stats();
        Stats guestBoot = new Stats();
        Stats detect = new Stats();
        Stats replacementBooted = new Stats();
        List<Long> rssMib = new java.util.ArrayList<>();
        Path vms = Files.createTempDirectory("infrakit-bench-qemu");
        try (QemuInstancePlugin driver = new QemuInstancePlugin(vms);
             InProcess p = new InProcess(ControllerConfig.defaults(), Controller.ReconcileListener.NONE, driver)) {
            try {
                long t0 = System.nanoTime();
                p.store.put(p.keys.group(group), Json.write(spec));
                List<InstanceDescription> up = await(timeoutMs, () -> {
                    List<InstanceDescription> now = driver.describeInstances(Map.of(Tags.GROUP, group), false);
                    return now.size() == size && now.stream().allMatch(d -> booted(driver, d.id(), marker))
                            ? now : null;
                });
                putToBooted.add((System.nanoTime() - t0) / 1e6);
                for (InstanceDescription d : up) {
                    guestBoot.add(guestSeconds(driver, d.id()) * 1000);
                    rssMib.add(rssKib(driver.pid(d.id()).orElseThrow()) / 1024);
                }
                for (int i = 0; i < n; i++) {
                    List<InstanceDescription> now = driver.describeInstances(Map.of(Tags.GROUP, group), false);
                    String victim = now.get(i % now.size()).id();
                    p.timed.provisionStarts.clear();
                    long k = System.nanoTime();
                    ProcessHandle.of(driver.pid(victim).orElseThrow()).orElseThrow().destroyForcibly();
                    Long provisioned = p.timed.provisionStarts.poll(60, TimeUnit.SECONDS);
                    if (provisioned == null) {
                        throw new IllegalStateException("no replacement within 60 s");
                    }
                    detect.add((provisioned - k) / 1e6);
                    await(timeoutMs, () -> {
                        List<InstanceDescription> after = driver.describeInstances(Map.of(Tags.GROUP, group), false);
                        return after.size() == size && after.stream().noneMatch(d -> d.id().equals(victim))
                                && after.stream().allMatch(d -> booted(driver, d.id(), marker)) ? after : null;
                    });
                    replacementBooted.add((System.nanoTime() - k) / 1e6);
                }
                long d0 = System.nanoTime();
                p.store.delete(p.keys.group(group));
                await(timeoutMs, () -> driver.describeInstances(Map.of(Tags.GROUP, group), false).isEmpty()
                        ? List.of() : null);
                System.out.printf("spec delete → %d VMs powered down (system_powerdown): %.0f ms%n", size,
                        (System.nanoTime() - d0) / 1e6);
            } finally {
                for (InstanceDescription d : driver.describeInstances(Map.of(), false)) {
                    driver.pid(d.id()).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                }
            }
        } finally {
            TempDirs.deleteTree(vms);
        }
        System.out.println("spec put → " + size + " VMs booted (boot marker on every console): "
                + putToBooted.summary());
        System.out.println("guest's own boot time (its uptime when the init script ran): " + guestBoot.summary());
        System.out.println("host RSS of each booted VM's QEMU (-m " + instance.path("Properties").path("Memory").asInt()
                + "): " + rssMib.stream().sorted().map(r -> r + " MiB").toList());
        System.out.println("VM's QEMU killed (-9) → replacement Provision (exit report): " + detect.summary());
        System.out.println("VM's QEMU killed (-9) → replacement booted: " + replacementBooted.summary());
    }

    private static boolean booted(QemuInstancePlugin driver, String id, String marker) {
        try {
            Path log = driver.consoleLog(id);
            return Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(marker);
        } catch (IOException e) {
            return false;
        }
    }

    /** The guest's uptime when its init script ran, as the tutorial's script prints it. */
    private static double guestSeconds(QemuInstancePlugin driver, String id) throws IOException {
        Matcher m = GUEST_SECONDS.matcher(Files.readString(driver.consoleLog(id), StandardCharsets.ISO_8859_1));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static Path example(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(relative))) {
                return d.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath()
                + " (--spec FILE)");
    }

    private interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> T await(long timeoutMs, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + timeoutMs + " ms");
            }
            Thread.sleep(50);
        }
    }
}
