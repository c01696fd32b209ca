package io.infrakit.plugins.group;

import io.infrakit.plugins.testing.LabScripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * InfraKit v0.5's config hash as Go computes it: {@code src/test/go/instancehash/main.go} (its InstanceHash with
 * the standard library only), built once with Debian's Go, offline, and kept by its source's hash.
 */
final class GoInstanceHash {

    private GoInstanceHash() {
    }

    /** For each spec (its bytes), the hash Go computes, or {@code "error: ..."} when InfraKit refuses it. */
    static List<String> of(List<byte[]> specs) throws IOException, InterruptedException {
        Path binary = binary();
        Path in = Files.createTempFile("instancehash-in", ".txt");
        Path out = Files.createTempFile("instancehash-out", ".txt");
        try {
            StringBuilder lines = new StringBuilder();
            for (byte[] spec : specs) {
                lines.append(Base64.getEncoder().encodeToString(spec)).append('\n');
            }
            Files.writeString(in, lines, StandardCharsets.US_ASCII);
            Process p = new ProcessBuilder(binary.toString()).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("the Go reference failed");
            }
            List<String> hashes = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (hashes.size() != specs.size()) {
                throw new IOException("the Go reference answered " + hashes.size() + " of " + specs.size());
            }
            return hashes;
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    private static synchronized Path binary() throws IOException {
        Path source = LabScripts.find("plugins/src/test/go/instancehash/main.go");
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source)),
                    0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path binary = Path.of(System.getProperty("java.io.tmpdir"), "infrakit-instancehash-" + hash);
        if (!Files.isExecutable(binary)) {
            try {
                LabScripts.run("plugins/src/test/go/instancehash/build.sh", Map.of(), Duration.ofMinutes(5),
                        binary.toString());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return binary;
    }

    /** The cases as text, for specs that are UTF-8. */
    static List<byte[]> utf8(List<String> specs) {
        List<byte[]> out = new ArrayList<>();
        specs.forEach(s -> out.add(s.getBytes(StandardCharsets.UTF_8)));
        return out;
    }
}
