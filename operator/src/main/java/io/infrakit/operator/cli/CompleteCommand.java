package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.operator.sync.Syncer;
import io.infrakit.store.KeyValue;
import io.infrakit.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code infrakit __complete groups|plugins|sources}: the candidates the completion script asks for when TAB is
 * pressed, one per line. Quiet: nothing (exit 0) when etcd does not answer within 3 seconds.
 */
@Command(name = "__complete", hidden = true, description = "Completion candidates, one per line (for the "
        + "completion script).")
final class CompleteCommand implements Callable<Integer> {

    static final String GROUPS = "groups";
    static final String PLUGINS = "plugins";
    static final String BUILTINS = "builtins";
    static final String SOURCES = "sources";

    @Mixin
    EtcdOptions etcd;
    @Mixin
    PluginOptions pluginOptions;

    @Parameters(paramLabel = "KIND", description = GROUPS + ", " + PLUGINS + ", " + BUILTINS + " or " + SOURCES)
    String kind;

    @Override
    public Integer call() {
        TreeSet<String> out = new TreeSet<>();
        try {
            switch (kind) {
                case GROUPS -> list(out, etcd.keys().groups());
                case SOURCES -> list(out, Syncer.records(etcd.keys()));
                case PLUGINS -> sockets(out, pluginOptions.pluginDirectory().directory());
                case BUILTINS -> PluginCommand.BUILTINS.stream().filter(PluginCommand.BuiltinPlugin::servable)
                        .forEach(b -> out.add(b.alias()));
                default -> {
                    return 1;
                }
            }
        } catch (RuntimeException e) {
            return 0; // TAB shows nothing rather than an error
        }
        out.forEach(System.out::println);
        return 0;
    }

    private void list(TreeSet<String> out, String dir) {
        etcd.timeout = Duration.ofSeconds(3);
        try (Store store = Stores.open(etcd)) {
            for (KeyValue kv : store.list(dir).kvs()) {
                String id = Keys.idUnder(dir, kv.key());
                if (id != null) {
                    out.add(id);
                }
            }
        }
    }

    private static void sockets(TreeSet<String> out, Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> !p.getFileName().toString().endsWith(".pid")).map(p -> Objects.toString(p.getFileName())).forEach(out::add);
        } catch (IOException e) {
            // no directory: no plugins
        }
    }
}
