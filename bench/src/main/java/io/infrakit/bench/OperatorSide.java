package io.infrakit.bench;

import io.infrakit.store.Store;
import io.infrakit.store.etcd.LocalPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./infrakit up} as a user runs it (the launcher's settings, its HTTP endpoint and group socket), one
 * replica, specs put into etcd as {@code infrakit group commit} does. With {@code --nmt FILE}, the JVM tracks its
 * native memory and each round's {@code jcmd VM.native_memory summary} goes to FILE.ROUND (its class histogram, taken
 * after the round's measures, to FILE.histogram.ROUND); {@code --cds off} runs
 * it without the launcher's class-data archive.
 */
final class OperatorSide implements FootprintBench.Side {

    private final Path launcher;
    private final String javaOpts;
    private final String etcdUrl;
    private final Store store;
    private final String nmt;
    private final String cds;
    private final FootprintBench.Results results = new FootprintBench.Results();
    private Process process;

    OperatorSide(Path launcher, String javaOpts, String etcdUrl, Store store, String nmt, String cds)
            throws Exception {
        this.launcher = launcher.toAbsolutePath();
        this.javaOpts = (javaOpts + (nmt.isEmpty() ? "" : " -XX:NativeMemoryTracking=summary")).trim();
        this.etcdUrl = etcdUrl;
        this.store = store;
        this.nmt = nmt;
        this.cds = cds;
        // Builds the jar and the launcher's archives when stale (the client commands' and the operator's, which
        // `up` prepares), so that no round times a build.
        for (List<String> command : List.of(List.of("version"), List.of("up", "--help"))) {
            List<String> cmd = new ArrayList<>(List.of(this.launcher.toString()));
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            if (command.get(0).equals("up")) {
                pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            Process p = pb.start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(launcher + " " + String.join(" ", command) + " failed");
            }
        }
    }

    @Override
    public String name() {
        return "operator";
    }

    @Override
    public FootprintBench.Results results() {
        return results;
    }

    @Override
    public void start(Path dir, Path files, int round) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "up", "--etcd", etcdUrl, "--prefix",
                prefix(round), "--file-dir", files.toString(), "--http", "127.0.0.1:" + LocalPorts.free(1)[0],
                "--id", "bench-" + round));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("INFRAKIT_"));
        pb.environment().put("INFRAKIT_HOME", home.toString());
        pb.environment().put("INFRAKIT_CDS", cds);
        if (!javaOpts.isEmpty()) {
            pb.environment().put("INFRAKIT_JAVA_OPTS", javaOpts);
        }
        process = pb.start();
        CountDownLatch watching = new CountDownLatch(1);
        Path log = dir.resolve("operator.log");
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.contains(" watching ")) {
                        watching.countDown();
                    }
                    out.println(line);
                    out.flush();
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "operator-log");
        reader.setDaemon(true);
        reader.start();
        if (!watching.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the operator did not say 'watching' within 60 s; see " + log);
        }
    }

    private static String prefix(int round) {
        return "/footprint-" + round;
    }

    @Override
    public void commit(String id, int size, int round) throws Exception {
        store.put(prefix(round) + "/groups/" + id, FootprintBench.spec(id, size));
    }

    @Override
    public long cpuTicks() {
        return FootprintBench.Proc.cpuTicks(process.pid());
    }

    @Override
    public long rssKb() {
        return FootprintBench.Proc.rssKb(process.pid());
    }

    /** Runs a diagnostic command on the operator's JVM, its output into {@code out}. */
    private void jcmd(Path out, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid())));
        cmd.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        jcmd.waitFor(60, TimeUnit.SECONDS);
        System.out.println("    " + String.join(" ", command) + " in " + out);
    }

    @Override
    public long peakRssKb() {
        return FootprintBench.Proc.peakRssKb(process.pid());
    }

    @Override
    public void stop(Path dir) throws Exception {
        if (!nmt.isEmpty()) {
            jcmd(Path.of(nmt + "." + dir.getFileName()), "VM.native_memory", "summary");
            jcmd(Path.of(nmt + ".histogram." + dir.getFileName()), "GC.class_histogram");
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
