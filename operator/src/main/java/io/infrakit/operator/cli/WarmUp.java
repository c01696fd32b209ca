package io.infrakit.operator.cli;

import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.SpecValidator;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.plugins.group.Tags;
import io.infrakit.plugins.spi.PluginName;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first spec after a start runs code nothing has run yet in this JVM: Jackson builds its readers for a spec's
 * records, the built-in file plugin reads its directory into its index and loads the native library its directory
 * events come through. Run once on a background thread as soon as the replica watches, they are done before the
 * first spec arrives instead of in its reconcile (docs/benchmarks.md, "Footprint beside InfraKit v0.5").
 * Everything here only reads: a spec parsed and dropped, a listing of a group no spec can name (IDs are never
 * empty).
 */
final class WarmUp {

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    static final String SPEC = "{\"ID\":\"warm-up\",\"Properties\":{\"Allocation\":{\"Size\":1},"
            + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"x\"}},"
            + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"true\"],"
            + "\"Tags\":{\"tier\":\"x\"}}}}}";

    private WarmUp() {
    }

    static void start(PluginRegistry builtins) {
        Thread thread = new Thread(() -> run(builtins), "infrakit-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** The warm-up itself, on the calling thread. */
    static void run(PluginRegistry builtins) {
        try {
            SpecValidator.parse("warm-up", SPEC, 1);
            GroupStatus.fromJson("{}");
            builtins.instance(PluginName.parse(PluginRegistry.FILE)).describeInstances(Map.of(Tags.GROUP, ""), false);
        } catch (Exception | LinkageError e) {
            // Only time is lost: the first reconcile does the same work and reports what fails there.
            log.debug("warm-up: {}", e.toString());
        }
    }
}
