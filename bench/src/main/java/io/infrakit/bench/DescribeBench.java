package io.infrakit.bench;

import io.infrakit.plugins.file.FileInstancePlugin;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstancePlugin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The file plugin's DescribeInstances for one group of {@code --group} instances in a directory of N instance files
 * (N/group groups), as a controller calls it once per group and reconcile: the first call (which may build what
 * later calls reuse), then {@code --n} calls for random groups, and calls right after a file of the group was
 * deleted by hand. The files are written in InfraKit's format directly (no fsync), as many as {@code --files} says.
 */
final class DescribeBench {

    private DescribeBench() {
    }

    static void run(Options o) throws Exception {
        int group = o.integer("group", 100, 100);
        int n = o.integer("n", 300, 50);
        for (String size : o.string("files", o.quick() ? "10000" : "10000,100000").split(",")) {
            once(Integer.parseInt(size.trim()), group, n);
        }
    }

    private static void once(int files, int group, int n) throws Exception {
        int groups = Math.max(1, files / group);
        Path dir = Files.createTempDirectory("bench-describe");
        try {
            for (int i = 0; i < files; i++) {
                String id = "instance-" + (1_000_000_000L + i);
                Files.write(dir.resolve(id), record(id, "g" + (i % groups)).getBytes(StandardCharsets.UTF_8));
            }
            InstancePlugin plugin = new FileInstancePlugin(dir);
            try {
                long t0 = System.nanoTime();
                check(plugin.describeInstances(Map.of(Tags.GROUP, "g0"), false), group);
                double first = (System.nanoTime() - t0) / 1e6;
                Random random = new Random(1);
                for (int i = 0; i < 20; i++) { // JIT warm-up
                    plugin.describeInstances(Map.of(Tags.GROUP, "g" + random.nextInt(groups)), false);
                }
                Stats steady = new Stats();
                for (int i = 0; i < n; i++) {
                    String g = "g" + random.nextInt(groups);
                    long t = System.nanoTime();
                    List<InstanceDescription> found = plugin.describeInstances(Map.of(Tags.GROUP, g), false);
                    steady.add((System.nanoTime() - t) / 1e6);
                    check(found, group);
                }
                Stats afterDelete = new Stats();
                for (int i = 0; i < Math.min(n, 50); i++) {
                    String g = "g" + random.nextInt(groups);
                    List<InstanceDescription> before = plugin.describeInstances(Map.of(Tags.GROUP, g), false);
                    Files.delete(dir.resolve(before.get(0).id()));
                    long t = System.nanoTime();
                    List<InstanceDescription> found = plugin.describeInstances(Map.of(Tags.GROUP, g), false);
                    afterDelete.add((System.nanoTime() - t) / 1e6);
                    check(found, before.size() - 1);
                }
                System.out.printf("describe one group of %d among %,d files: first call %.1f ms; steady %s;"
                        + " right after a hand delete %s%n", group, files, first, millis(steady), millis(afterDelete));
            } finally {
                if (plugin instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    private static void check(List<InstanceDescription> found, int expected) {
        if (found.size() != expected) {
            throw new IllegalStateException("listed " + found.size() + " instances, expected " + expected);
        }
    }

    private static String millis(Stats s) {
        return String.format("p50 %.3f ms, p90 %.3f ms, p99 %.3f ms (n=%d)", s.percentile(50), s.percentile(90),
                s.percentile(99), s.count());
    }

    /** An instance file as InfraKit's file plugin writes it ({@code json.MarshalIndent} with empty indent). */
    private static String record(String id, String group) {
        String tags = "{\n\"infrakit.config_sha\": \"jzm6csazc4yfcyh3cqd6zf2rnaox4tz5\",\n\"infrakit.group\": \""
                + group + "\"\n}";
        return "{\n\"ID\": \"" + id + "\",\n\"LogicalID\": null,\n\"Tags\": " + tags + ",\n\"Spec\": {\n"
                + "\"Properties\": {\n\"Note\": \"bench\"\n},\n\"Tags\": " + tags + ",\n\"Init\": \"\",\n"
                + "\"LogicalID\": null,\n\"Attachments\": null\n}\n}";
    }
}
