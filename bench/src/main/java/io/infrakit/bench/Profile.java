package io.infrakit.bench;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Records a JFR profile around some work and prints the hottest methods and the most allocated classes. */
final class Profile {

    private Profile() {
    }

    static <T> T around(Path file, Callable<T> work) throws Exception {
        T result;
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(2));
            r.enable("jdk.ObjectAllocationSample");
            r.start();
            result = work.call();
            r.stop();
            r.dump(file);
        }
        summarize(file);
        return result;
    }

    static void summarize(Path file) throws Exception {
        Map<String, Integer> top = new HashMap<>();
        Map<String, Integer> leaf = new HashMap<>();
        Map<String, Long> alloc = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ExecutionSample") && e.getStackTrace() != null) {
                samples++;
                var frames = e.getStackTrace().getFrames();
                if (!frames.isEmpty()) {
                    leaf.merge(name(frames.get(0)), 1, Integer::sum);
                }
                // The first frame of our own code on the stack: where the project spends its time.
                frames.stream().filter(f -> f.getMethod().getType().getName().startsWith("io.infrakit"))
                        .findFirst().ifPresent(f -> top.merge(name(f), 1, Integer::sum));
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                alloc.merge(e.getClass("objectClass").getName(), e.getLong("weight"), Long::sum);
            }
        }
        System.out.println("JFR profile " + file + ": " + samples + " execution samples");
        print("hottest leaf frames", leaf, samples);
        print("hottest project frames (innermost io.infrakit frame)", top, samples);
        System.out.println("  most allocated (sampled weight):");
        alloc.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .forEach(en -> System.out.printf("    %8.1f MB  %s%n", en.getValue() / 1e6, en.getKey()));
    }

    private static void print(String title, Map<String, Integer> counts, int total) {
        System.out.println("  " + title + ":");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.naturalOrder())
                .reversed()).limit(12).forEach(en -> System.out.printf("    %5.1f %%  %s%n",
                100.0 * en.getValue() / Math.max(1, total), en.getKey()));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
