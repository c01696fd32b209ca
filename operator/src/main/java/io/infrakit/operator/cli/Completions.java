package io.infrakit.operator.cli;

import java.util.Iterator;
import java.util.List;

/**
 * Completion candidates that only etcd or the plugin directory knows. picocli writes a candidate list into the
 * completion script when it generates it; these lists hold one marker each, which {@link CompletionCommand}
 * replaces with a call to {@code infrakit __complete KIND}, so the candidates are looked up when TAB is pressed.
 */
final class Completions {

    private Completions() {
    }

    static String marker(String kind) {
        return "__infrakit_dynamic_" + kind + "__";
    }

    /** Group IDs (specs in etcd). */
    static final class Groups implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of(marker(CompleteCommand.GROUPS)).iterator();
        }
    }

    /** Plugins running in the plugin directory (their socket names). */
    static final class Plugins implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of(marker(CompleteCommand.PLUGINS)).iterator();
        }
    }

    /** Sync sources with a record in etcd. */
    static final class SyncSources implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of(marker(CompleteCommand.SOURCES)).iterator();
        }
    }
}
