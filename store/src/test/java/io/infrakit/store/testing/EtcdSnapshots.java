package io.infrakit.store.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.infrakit.store.etcd.EtcdServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** etcd snapshots with {@code etcdctl} (installed beside {@code etcd}): saved, and restored as a replaced member. */
public final class EtcdSnapshots {

    private EtcdSnapshots() {
    }

    /** Saves the member's snapshot into {@code file}. */
    public static void save(EtcdServer member, Path file) {
        etcdctl("--endpoints=" + member.clientUrl(), "snapshot", "save", file.toString());
    }

    /**
     * Replaces a single member by one restored from {@code snapshot}: stops it, restores the snapshot into
     * {@code dataDir} and starts etcd from there on the same client and peer ports. The caller closes the result.
     */
    public static EtcdServer replaceFrom(EtcdServer member, Path snapshot, Path dataDir) {
        member.stop();
        etcdctl("snapshot", "restore", snapshot.toString(), "--data-dir=" + dataDir, "--name=" + member.name(),
                "--initial-cluster=" + member.name() + "=" + member.peerUrl(),
                "--initial-advertise-peer-urls=" + member.peerUrl());
        EtcdServer restored = EtcdServer.builder(member.name(), dataDir).fastTimings(true)
                .ports(member.clientPort(), URI.create(member.peerUrl()).getPort()).build();
        restored.start();
        return restored;
    }

    private static void etcdctl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(EtcdServer.findBinary().resolveSibling("etcdctl").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("etcdctl %s finished", cmd).isTrue();
            assertThat(p.exitValue()).as("etcdctl %s: %s", cmd, out).isZero();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + cmd, e);
        }
    }
}
