package io.infrakit.plugins.access;

import io.infrakit.plugins.spi.PluginName;
import java.util.Optional;
import java.util.Set;

/** The plugins built into this process, as the admission policy sees them, without making any of them. */
public interface BuiltinCatalog {

    /** No built-ins: every plugin is judged by name only. */
    BuiltinCatalog NONE = new BuiltinCatalog() {
        @Override
        public Optional<Builtin> builtinInstance(PluginName name) {
            return Optional.empty();
        }

        @Override
        public Optional<Builtin> builtinFlavor(PluginName name) {
            return Optional.empty();
        }
    };

    /**
     * A built-in plugin: every name it is registered under (its name and aliases), and what its properties ask of
     * the host ({@code access} empty when the plugin does not say).
     */
    record Builtin(Set<String> names, Optional<HostAccess> access) {
        public Builtin {
            names = Set.copyOf(names);
        }
    }

    /** The built-in instance plugin a spec's name finds, if the name is a built-in's. */
    Optional<Builtin> builtinInstance(PluginName name);

    /** The built-in flavor plugin a spec's name finds, if the name is a built-in's. */
    Optional<Builtin> builtinFlavor(PluginName name);
}
