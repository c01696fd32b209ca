package io.infrakit.operator.cli;

import io.infrakit.operator.Keys;
import io.infrakit.store.StoreConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** Where etcd is and which prefix to use; shared by every command. */
public final class EtcdOptions {

    @Option(names = "--etcd", paramLabel = "URLS", defaultValue = "${env:INFRAKIT_ETCD}",
            description = "etcd endpoints, comma-separated (env INFRAKIT_ETCD). "
                    + "Default: the dev-mode etcd of 'infrakit up' if it runs, else http://127.0.0.1:2379.")
    String etcd;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "${env:INFRAKIT_PREFIX:-/infrakit}",
            description = "Key prefix (env INFRAKIT_PREFIX, default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--etcd-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Deadline of each etcd request (default ${DEFAULT-VALUE}).")
    Duration timeout;

    public Keys keys() {
        return new Keys(prefix);
    }

    /** Whether the user named an etcd (flag or environment), as opposed to the local default. */
    public boolean explicit() {
        return etcd != null && !etcd.isBlank();
    }

    /** The endpoints to use: given ones, else the running dev-mode etcd, else the standard local port. */
    public List<String> endpoints() {
        if (explicit()) {
            return Arrays.stream(etcd.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        return List.of(DevEtcdFile.read(Home.dir()).orElse("http://127.0.0.1:2379"));
    }

    public StoreConfig storeConfig() {
        return StoreConfig.builder().endpoints(endpoints().toArray(String[]::new)).requestTimeout(timeout).build();
    }
}
