package io.infrakit.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process of the lab (an etcd member, an operator replica) started inside a network namespace, its output in a
 * log file. {@code ip netns exec} execs the command, so the process handle is the command itself: kill -9,
 * SIGSTOP and SIGCONT reach it.
 */
final class LabProcess implements AutoCloseable {

    final String name;
    final Path log;
    private final List<String> command;
    private Process process;
    private volatile boolean stopped;

    LabProcess(String name, String ns, List<String> command, Path log) {
        this.name = name;
        this.log = log;
        this.command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        this.command.addAll(command);
    }

    LabProcess start() throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        stopped = false;
        return this;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    void kill9() {
        if (process != null && process.isAlive()) {
            if (stopped) {
                cont();
            }
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGSTOP: frozen, as by a VM pause or a debugger. */
    void pause() {
        Shell.run("kill", "-STOP", Long.toString(pid()));
        stopped = true;
    }

    void cont() {
        Shell.run("kill", "-CONT", Long.toString(pid()));
        stopped = false;
    }

    boolean paused() {
        return stopped;
    }

    /** The log lines containing the text. */
    List<String> lines(String text) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        kill9();
    }
}
