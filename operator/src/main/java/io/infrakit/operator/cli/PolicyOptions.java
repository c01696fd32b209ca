package io.infrakit.operator.cli;

import io.infrakit.operator.policy.Admission;
import io.infrakit.operator.policy.AdmissionPolicy;
import io.infrakit.operator.policy.PolicyFile;
import io.infrakit.operator.policy.PolicyKey;
import io.infrakit.operator.policy.PolicySource;
import io.infrakit.plugins.access.BuiltinCatalog;
import io.infrakit.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Which spec admission policy a command applies: {@code --policy FILE}, else the one an administrator keeps at
 * {@code <prefix>/policy}, else the built-in default: restricted on a real etcd, none in dev mode (the operator
 * says so when it starts).
 */
public final class PolicyOptions {

    @Option(names = "--policy", paramLabel = "FILE", defaultValue = "${env:INFRAKIT_POLICY}",
            description = "Spec admission policy: which plugins, commands, host paths, container privileges, URLs "
                    + "and Docker engines specs may use (env INFRAKIT_POLICY). Default: the one at <prefix>/policy "
                    + "in etcd, else the built-in restricted one (none in dev mode). See docs/security.md.")
    Path file;

    private AdmissionPolicy fromFile;

    /**
     * The policy of {@code --policy}, read once; empty without the option.
     *
     * @throws IllegalArgumentException when the file cannot be read or is not a valid policy
     */
    public Optional<AdmissionPolicy> file() {
        if (file != null && fromFile == null) {
            String json;
            try {
                json = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --policy " + file + ": " + e.getMessage(), e);
            }
            fromFile = PolicyFile.parse(json, file.toString());
        }
        return Optional.ofNullable(fromFile);
    }

    /**
     * @throws IllegalArgumentException when the file cannot be read or is not a valid policy
     */
    public PolicySource source(Store store, EtcdOptions etcd) {
        if (file().isPresent()) {
            return PolicySource.fixed(fromFile);
        }
        return new PolicyKey(store, etcd.keys().policy(), etcd.explicit()
                ? AdmissionPolicy.restricted("the built-in default (no --policy, nothing at " + etcd.keys().policy()
                + ")")
                : AdmissionPolicy.none("dev mode (no --policy, nothing at " + etcd.keys().policy() + ")"));
    }

    /** The admission a command applies before it writes, with the built-ins it would use. */
    public Admission admission(Store store, EtcdOptions etcd, BuiltinCatalog builtins) {
        return Admission.of(source(store, etcd), builtins, etcd.keys());
    }
}
