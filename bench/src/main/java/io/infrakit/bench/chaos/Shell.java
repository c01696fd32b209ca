package io.infrakit.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the lab's system commands ({@code ip}, {@code iptables}, {@code etcdctl}) and says what failed. */
final class Shell {

    private Shell() {
    }

    /** Runs the command; throws with its output when it fails. */
    static String run(String... cmd) {
        Result r = tryRun(cmd);
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code + "): " + r.output.strip());
        }
        return r.output;
    }

    /** Runs the command in a network namespace. */
    static String inNs(String ns, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return run(all.toArray(String[]::new));
    }

    record Result(int code, String output) {
    }

    static Result tryRun(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Whether the command is on the PATH. */
    static boolean has(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", command)) || Files.isExecutable(Path.of("/sbin", command));
    }

    /** Why the lab cannot run here, or null: it needs root, {@code ip}, {@code iptables}, {@code tc} and etcd. */
    static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the reliability lab needs root (network namespaces, iptables); running as "
                    + System.getProperty("user.name");
        }
        for (String c : List.of("ip", "tc", "iptables", "etcd", "etcdctl")) {
            if (!has(c)) {
                return "the reliability lab needs '" + c + "' (Debian: iproute2 for ip and tc, iptables, "
                        + "etcd-server and etcd-client)";
            }
        }
        return null;
    }
}
