package io.infrakit.plugins.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.infrakit.plugins.PluginNotFoundException;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import io.infrakit.plugins.rpc.InterfaceSpec;
import io.infrakit.plugins.rpc.PluginAddress;
import io.infrakit.plugins.rpc.PluginServer;
import io.infrakit.plugins.spi.PluginException;
import io.infrakit.plugins.spi.PluginName;
import io.infrakit.plugins.vanilla.VanillaFlavorPlugin;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPluginDirectoryTest {

    /** Debian's {@code nobody}. */
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    @Test
    void theDirectoryComesFromInfraKitsVariables() {
        Path home = Path.of("/home/u");

        assertThat(LocalPluginDirectory.resolve(Map.of("INFRAKIT_PLUGINS_DIR", "/p", "INFRAKIT_HOME", "/h"), home))
                .isEqualTo(Path.of("/p"));
        assertThat(LocalPluginDirectory.resolve(Map.of("INFRAKIT_HOME", "/h"), home)).isEqualTo(Path.of("/h/plugins"));
        assertThat(LocalPluginDirectory.resolve(Map.of(), home)).isEqualTo(Path.of("/home/u/.infrakit/plugins"));
    }

    @Test
    void aMissingDirectoryIsCreatedPrivate() throws Exception {
        Path dir = tmp.resolve("home/.infrakit/plugins");

        LocalPluginDirectory plugins = new LocalPluginDirectory(dir);

        assertThat(plugins.directory()).isEqualTo(dir);
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(plugins.list()).isEmpty();
    }

    @Test
    void socketsAndListenFilesArePluginsAndEverythingElseIsIgnored() throws Exception {
        LocalPluginDirectory plugins = new LocalPluginDirectory(tmp.resolve("plugins"));
        Path dir = plugins.directory();
        Files.writeString(dir.resolve("instance-hyperkit.listen"), "tcp://127.0.0.1:24865\n");
        Files.writeString(dir.resolve("broken.listen"), "not an address at all");
        Files.writeString(dir.resolve("notes.txt"), "hello");
        Files.createDirectory(dir.resolve("subdir"));
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin())
                .start(dir.resolve("instance-file"))) {
            Map<String, PluginEndpoint> found = plugins.list();

            assertThat(Files.exists(dir.resolve("instance-file.pid"))).isTrue();
            assertThat(found).containsOnlyKeys("instance-file", "instance-hyperkit");
            assertThat(found.get("instance-file")).isEqualTo(new PluginEndpoint("instance-file", "unix",
                    dir.resolve("instance-file").toString(), dir.resolve("instance-file")));
            assertThat(found.get("instance-file").pluginAddress()).isEqualTo(server.address());
            PluginEndpoint tcp = found.get("instance-hyperkit");
            assertThat(tcp.protocol()).isEqualTo("tcp");
            assertThat(tcp.address()).isEqualTo("tcp://127.0.0.1:24865");
            assertThat(tcp.pluginAddress()).isEqualTo(new PluginAddress.ListenFile(dir.resolve("instance-hyperkit.listen")));
        }
    }

    @Test
    void everyLookupReadsTheDirectoryAgain() throws Exception {
        LocalPluginDirectory plugins = new LocalPluginDirectory(tmp.resolve("plugins"));
        assertThatThrownBy(() -> plugins.find("flavor-vanilla")).isInstanceOf(PluginNotFoundException.class);

        try (PluginServer server = PluginServer.builder().flavor(new VanillaFlavorPlugin())
                .start(plugins.directory().resolve("flavor-vanilla"))) {
            assertThat(plugins.find("flavor-vanilla").pluginAddress()).isEqualTo(server.address());
            assertThat(plugins.find("flavor-vanilla/typed").name()).isEqualTo("flavor-vanilla");
        }
        assertThat(plugins.list()).isEmpty();
    }

    @Test
    void anUnknownNameSaysWhereItWasLookedFor() throws Exception {
        LocalPluginDirectory plugins = new LocalPluginDirectory(tmp.resolve("plugins"));
        Files.writeString(plugins.directory().resolve("group.listen"), "tcp://127.0.0.1:1");

        assertThatThrownBy(() -> plugins.find("instance-aws/ec2"))
                .isInstanceOfSatisfying(PluginNotFoundException.class, e -> {
                    assertThat(e.name()).isEqualTo("instance-aws");
                    assertThat(e.searched()).containsExactly(plugins.directory().toString());
                })
                .hasMessage("local plugin 'instance-aws' not found in " + plugins.directory()
                        + " (known local plugins: group)");
    }

    @Test
    void aDirectoryOtherUsersCanWriteIsRefused() throws Exception {
        LocalPluginDirectory plugins = new LocalPluginDirectory(tmp.resolve("plugins"));
        for (String mode : List.of("1777", "770")) { // /tmp's mode, and a group's shared directory
            Process chmod = new ProcessBuilder("chmod", mode, plugins.directory().toString()).inheritIO().start();
            assertThat(chmod.waitFor()).isZero();
            assertThatThrownBy(plugins::list).isInstanceOf(PluginException.class)
                    .hasMessageContaining("the plugin directory " + plugins.directory() + " is writable by")
                    .hasMessageContaining("chmod 700").hasMessageContaining("--allow-foreign-plugins");
            assertThatThrownBy(() -> plugins.find("instance-x")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("is writable by");
        }
        assertThat(new LocalPluginDirectory(plugins.directory(), true).list()).isEmpty();

        Files.setPosixFilePermissions(plugins.directory(), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(plugins.list()).isEmpty();
    }

    @SuppressWarnings("try") // resources held open for the block, not used by name
    @Test
    void aSocketAnotherUserOwnsIsNotUsed() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "giving a file to another user needs root");
        LocalPluginDirectory plugins = new LocalPluginDirectory(tmp.resolve("plugins"));
        Path dir = plugins.directory();
        try (PluginServer planted = PluginServer.builder().instance(new InMemoryInstancePlugin())
                .start(dir.resolve("instance-planted"));
             PluginServer own = PluginServer.builder().flavor(new VanillaFlavorPlugin())
                     .start(dir.resolve("flavor-vanilla"))) {
            Files.setAttribute(dir.resolve("instance-planted"), "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
            Files.writeString(dir.resolve("instance-tcp.listen"), "tcp://127.0.0.1:1");
            Files.setAttribute(dir.resolve("instance-tcp.listen"), "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);

            assertThat(plugins.list()).containsOnlyKeys("flavor-vanilla");
            assertThatThrownBy(() -> new RemotePluginLookup(plugins).instance(PluginName.parse("instance-planted")))
                    .isInstanceOf(PluginException.class).isNotInstanceOf(PluginNotFoundException.class)
                    .hasMessageContaining("plugin socket " + dir.resolve("instance-planted") + " belongs to user")
                    .hasMessageContaining("(uid " + NOBODY + ")").hasMessageContaining("not used");
            assertThatThrownBy(() -> plugins.find("instance-tcp")).hasMessageContaining("plugin listen file");
            assertThat(plugins.describeAll(Duration.ofSeconds(2)).get("instance-planted").error())
                    .contains("belongs to user");

            LocalPluginDirectory allowing = new LocalPluginDirectory(dir, true);
            assertThat(allowing.list()).containsOnlyKeys("flavor-vanilla", "instance-planted", "instance-tcp");
            assertThat(allowing.find("instance-planted").pluginAddress()).isEqualTo(planted.address());
        }
    }

    @Test
    void staleSocketsArePrunedAndLiveOnesKept() throws Exception {
        LocalPluginDirectory plugins = new LocalPluginDirectory(tmp.resolve("plugins"));
        Path dir = plugins.directory();
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(dir.resolve("instance-dead")));
        }
        Files.writeString(dir.resolve("instance-dead.pid"), "999999");
        try (PluginServer server = PluginServer.builder().instance(new InMemoryInstancePlugin())
                .start(dir.resolve("instance-live"))) {
            assertThat(plugins.list()).containsOnlyKeys("instance-dead", "instance-live");

            assertThat(plugins.pruneStale()).containsExactly("instance-dead");

            assertThat(plugins.list()).containsOnlyKeys("instance-live");
            assertThat(dir.resolve("instance-dead.pid")).doesNotExist();
            assertThat(plugins.find("instance-live").pluginAddress()).isEqualTo(server.address());
        }
    }

    @Test
    void describeAllHandshakesEveryPlugin() throws Exception {
        LocalPluginDirectory plugins = new LocalPluginDirectory(tmp.resolve("plugins"));
        Path dir = plugins.directory();
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(dir.resolve("instance-dead")));
        }
        try (PluginServer instance = PluginServer.builder().instance(new InMemoryInstancePlugin())
                .start(dir.resolve("instance-mem"));
             PluginServer flavor = PluginServer.builder().flavor(new VanillaFlavorPlugin()).flavorVersion("0.1.1")
                     .startTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                             dir.resolve("flavor-vanilla.listen"))) {
            Map<String, DiscoveredPlugin> all = plugins.describeAll(Duration.ofSeconds(2));

            assertThat(all).containsOnlyKeys("flavor-vanilla", "instance-dead", "instance-mem");
            assertThat(all.get("instance-mem").interfaces()).containsExactly(InterfaceSpec.INSTANCE_0_5_0);
            assertThat(all.get("instance-mem").endpoint().pluginAddress()).isEqualTo(instance.address());
            assertThat(all.get("flavor-vanilla").interfaces()).containsExactly(InterfaceSpec.FLAVOR_0_1_1);
            assertThat(all.get("flavor-vanilla").endpoint().address()).isEqualTo(flavor.address().toString());
            assertThat(all.get("instance-dead").reachable()).isFalse();
            assertThat(all.get("instance-dead").error()).startsWith("cannot connect to plugin at unix://");
            assertThat(all.values()).filteredOn(DiscoveredPlugin::reachable).hasSize(2);
        }
        assertThat(plugins.describeAll(Duration.ofSeconds(1))).containsOnlyKeys("instance-dead");
        assertThat(List.copyOf(plugins.list().keySet())).containsExactly("instance-dead");
    }
}
