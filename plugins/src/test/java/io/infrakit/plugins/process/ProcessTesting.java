package io.infrakit.plugins.process;

import io.infrakit.plugins.json.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test cleanup: SIGKILL to the process group of every instance with a state file, whatever the test did. */
final class ProcessTesting {

    private ProcessTesting() {
    }

    static void killAll(Path stateDir) {
        if (!Files.isDirectory(stateDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(stateDir, "*.json")) {
            for (Path f : files) {
                long pid = Json.parse(Files.readAllBytes(f)).path("Pid").asLong(-1);
                long ticks = Json.parse(Files.readAllBytes(f)).path("StartTicks").asLong(-1);
                if (pid > 0 && ProcStat.alive(pid, ticks)) {
                    new ProcessBuilder("kill", "-KILL", "--", "-" + pid).start().waitFor();
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
