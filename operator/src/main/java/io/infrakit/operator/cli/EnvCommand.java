package io.infrakit.operator.cli;

import io.infrakit.store.StoreConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code infrakit env}: the shell lines that point {@code etcdctl} at the etcd this CLI uses, so tutorials' plain
 * {@code etcdctl} talks to the same etcd as the operator: {@code eval "$(infrakit env)"}. The password is never
 * printed; the lines read it from where the CLI does.
 */
@Command(name = "env", description = {"Print the shell lines that point etcdctl at the etcd this CLI uses: the "
        + "running dev-mode etcd, or --etcd with its TLS and user options. Use it as:", "  eval \"$(infrakit env)\""})
final class EnvCommand implements Callable<Integer> {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:,@%+=-]+");

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        if (!etcd.explicit() && etcd.devEndpoint().isEmpty()) {
            System.err.println("error: no etcd to point at: no dev-mode etcd of 'infrakit up' runs for "
                    + Home.dir() + ", and no --etcd (or INFRAKIT_ETCD) was given");
            return 1;
        }
        StoreConfig config = Stores.config(etcd);
        Map<String, String> vars = new LinkedHashMap<>(); // null: unset, so nothing of an earlier etcd lingers
        vars.put("ETCDCTL_ENDPOINTS", String.join(",", config.endpoints()));
        vars.put("ETCDCTL_CACERT", text(config.caCert()));
        vars.put("ETCDCTL_CERT", text(config.clientCert()));
        vars.put("ETCDCTL_KEY", text(config.clientKey()));
        vars.put("ETCDCTL_USER", config.user());
        if (output.json()) {
            System.out.println(OutputOptions.toJson(vars));
            return 0;
        }
        vars.forEach((name, value) -> System.out.println(value == null ? "unset " + name
                : "export " + name + "=" + quote(value)));
        // Read where the CLI reads it, when the line runs: the password itself is never printed.
        System.out.println(config.user() == null ? "unset ETCDCTL_PASSWORD" : "export ETCDCTL_PASSWORD="
                + (etcd.passwordFile != null ? "\"$(cat " + quote(etcd.passwordFile.toString()) + ")\""
                : "\"$" + EtcdOptions.PASSWORD_ENV + "\""));
        return 0;
    }

    private static String text(Path p) {
        return p == null ? null : p.toAbsolutePath().toString();
    }

    /** Single quotes unless the value needs none, for any POSIX shell. */
    static String quote(String value) {
        return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
