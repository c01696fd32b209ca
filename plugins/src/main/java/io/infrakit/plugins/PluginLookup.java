package io.infrakit.plugins;

import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.GroupPlugin;
import io.infrakit.plugins.spi.InstancePlugin;
import io.infrakit.plugins.spi.PluginName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Finds the plugin a group spec names. Built-ins are one source; remote plugins on Unix sockets another. */
public interface PluginLookup {

    /**
     * @throws PluginNotFoundException when no instance plugin has the name's lookup part
     * @throws io.infrakit.plugins.spi.PluginException when the plugin has no such type ({@code "no-plugin:<type>"})
     */
    InstancePlugin instance(PluginName name);

    /**
     * @throws PluginNotFoundException when no flavor plugin has the name's lookup part
     * @throws io.infrakit.plugins.spi.PluginException when the plugin has no such type ({@code "no-plugin:<type>"})
     */
    FlavorPlugin flavor(PluginName name);

    /**
     * A group plugin in another process, for specs whose {@code Plugin} names one. No built-in has any.
     *
     * @throws PluginNotFoundException when no group plugin has the name's lookup part
     */
    default GroupPlugin group(PluginName name) {
        throw new PluginNotFoundException("group", name.lookup(), Set.of());
    }

    /** This lookup, then {@code next} for names this one does not know. */
    default PluginLookup orElse(PluginLookup next) {
        PluginLookup first = this;
        return new PluginLookup() {
            @Override
            public InstancePlugin instance(PluginName name) {
                return either(name, first::instance, next::instance);
            }

            @Override
            public FlavorPlugin flavor(PluginName name) {
                return either(name, first::flavor, next::flavor);
            }

            @Override
            public GroupPlugin group(PluginName name) {
                return either(name, first::group, next::group);
            }
        };
    }

    private static <T> T either(PluginName name, Function<PluginName, T> first, Function<PluginName, T> second) {
        try {
            return first.apply(name);
        } catch (PluginNotFoundException notFirst) {
            try {
                return second.apply(name);
            } catch (PluginNotFoundException notSecond) {
                Set<String> known = new TreeSet<>(notFirst.known());
                known.addAll(notSecond.known());
                List<String> searched = new ArrayList<>(notFirst.searched());
                searched.addAll(notSecond.searched());
                throw new PluginNotFoundException(notSecond.kind(), notSecond.name(), known, searched);
            }
        }
    }
}
