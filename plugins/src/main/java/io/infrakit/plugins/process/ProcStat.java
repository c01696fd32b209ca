package io.infrakit.plugins.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/<pid>/stat} says about a process: its state letter and its start time (field 22, clock ticks
 * since boot). The start time tells a recycled pid from the process that first had it.
 */
record ProcStat(long pid, char state, long startTicks) {

    private static final Path PROC = Path.of("/proc");

    /** The process's stat, or empty when there is no such process. */
    static Optional<ProcStat> read(long pid) {
        String line;
        try {
            line = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(parse(pid, line));
    }

    /** Parses a stat line; null when it is not one. The command may hold spaces and ')': split after the last. */
    static ProcStat parse(long pid, String line) {
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 >= line.length()) {
            return null;
        }
        String[] rest = line.substring(close + 2).trim().split(" +");
        // rest[0] is field 3 (state), so field 22 (starttime) is rest[19].
        if (rest.length < 20 || rest[0].isEmpty()) {
            return null;
        }
        try {
            return new ProcStat(pid, rest[0].charAt(0), Long.parseLong(rest[19]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Not a zombie or dead: an exited child that nobody reaped yet is gone for our purposes. */
    boolean running() {
        return state != 'Z' && state != 'X' && state != 'x';
    }

    /** True when the pid still belongs to the process that started at {@code ticks} and it has not exited. */
    static boolean alive(long pid, long ticks) {
        return read(pid).filter(s -> s.startTicks == ticks && s.running()).isPresent();
    }
}
