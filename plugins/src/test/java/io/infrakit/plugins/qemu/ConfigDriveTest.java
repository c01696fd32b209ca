package io.infrakit.plugins.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDriveTest {

    @TempDir
    Path dir;

    @Test
    void userDataIsAShellScriptUnlessItSaysOtherwise() {
        assertThat(ConfigDrive.userData("echo hi")).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(ConfigDrive.userData("")).isEqualTo("#!/bin/sh\n");
        assertThat(ConfigDrive.userData("#!/bin/bash\nset -e")).isEqualTo("#!/bin/bash\nset -e\n");
        assertThat(ConfigDrive.userData("#cloud-config\nruncmd: []\n")).isEqualTo("#cloud-config\nruncmd: []\n");
    }

    @Test
    void hostnamesComeFromTheLogicalId() {
        assertThat(ConfigDrive.hostname("192.168.1.200", "qemu-x")).isEqualTo("192-168-1-200");
        assertThat(ConfigDrive.hostname("Manager_1", "qemu-x")).isEqualTo("manager-1");
        assertThat(ConfigDrive.hostname(null, "qemu-x")).isEqualTo("qemu-x");
        assertThat(ConfigDrive.hostname("___", "qemu-x")).isEqualTo("qemu-x");
        assertThat(ConfigDrive.hostname("a".repeat(80), "qemu-x")).hasSize(63);
    }

    @Test
    void writesNoCloudFiles() throws Exception {
        ConfigDrive.write(dir.resolve("config"), "qemu-1", "zk-1", "echo hello");
        assertThat(Files.readString(dir.resolve("config/user-data"))).isEqualTo("#!/bin/sh\necho hello\n");
        assertThat(Files.readString(dir.resolve("config/meta-data")))
                .isEqualTo("instance-id: qemu-1\nlocal-hostname: zk-1\n");
    }
}
