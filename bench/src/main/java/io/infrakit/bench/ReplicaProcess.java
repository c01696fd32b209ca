package io.infrakit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One {@code infrakit up} process, with its log in a file. */
final class ReplicaProcess implements AutoCloseable {

    final String id;
    final Path log;
    private final Process process;

    private ReplicaProcess(String id, Path log, Process process) {
        this.id = id;
        this.log = log;
        this.process = process;
    }

    static ReplicaProcess start(Path jar, String id, Path dir, List<String> upArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx256m", "-jar", jar.toString(), "up", "--id", id));
        cmd.addAll(upArgs);
        Path log = dir.resolve(id + "-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ReplicaProcess(id, log, p);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** How many log lines contain the text (the log is read whole: fine for the few kB a replica writes). */
    int count(String text) {
        try {
            return (int) Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    void kill9() {
        process.destroyForcibly();
        waitExit();
    }

    void term() {
        process.destroy();
    }

    void waitExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }
}
