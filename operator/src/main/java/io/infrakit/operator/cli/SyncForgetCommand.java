package io.infrakit.operator.cli;

import io.infrakit.operator.sync.SyncException;
import io.infrakit.operator.sync.SyncForget;
import io.infrakit.store.Store;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code infrakit sync forget NAME}: remove a source's record; its groups stay, owned by no source. */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Forget a sync source: remove its record, and release the groups it owns (they stay as they "
                + "are and keep running, owned by no source: changed by hand without drift, or taken by another "
                + "source). Stop a running 'infrakit sync --watch' of that source first, or it records itself again."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:forgotten", "1:no such source, or etcd failed", "2:usage error"})
final class SyncForgetCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;
    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "NAME", description = "The source, as 'infrakit sync status' lists it.",
            completionCandidates = Completions.SyncSources.class)
    String name;

    @Override
    public Integer call() {
        List<String> released;
        try (Store store = Stores.open(etcd)) {
            released = SyncForget.forget(store, etcd.keys(), name);
        } catch (SyncException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        if (output.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("Source", name);
            out.put("Released", released);
            System.out.println(OutputOptions.toJson(out));
        } else {
            System.out.println("Forgot sync source " + name + (released.isEmpty() ? "" : "; groups released: "
                    + String.join(", ", released)));
        }
        return 0;
    }
}
