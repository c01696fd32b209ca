package io.infrakit.operator.write;

import io.infrakit.operator.group.DelegatedGroup;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.plugins.PluginNotFoundException;
import io.infrakit.plugins.rpc.PluginTransportException;
import io.infrakit.plugins.rpc.RpcException;
import io.infrakit.plugins.spi.PluginException;

/**
 * Asks the group plugin a delegated spec names about it: a pretend {@code CommitGroup}, which validates the
 * properties the plugin owns and says what committing would do. Its failures in the user's words.
 */
public final class GroupPluginCheck {

    private GroupPluginCheck() {
    }

    /**
     * @return the plugin's details ({@code Managing 3 instances}, ...)
     * @throws WriteException {@link WriteException.Reason#INVALID}: the plugin refused the spec, is not running, does
     *                        not speak the Group API, or did not answer
     */
    public static String pretend(DelegatedGroup group, PluginLookup plugins) {
        String who = "Group plugin '" + group.plugin() + "'";
        try {
            return plugins.group(group.pluginName()).commitGroup(group.forwarded(), true);
        } catch (PluginNotFoundException e) {
            throw invalid(who + " is not running: " + e.getMessage());
        } catch (RpcException e) {
            throw invalid(who + " refused the spec: " + e.getMessage());
        } catch (PluginTransportException e) {
            throw invalid(who + " did not answer: " + e.getMessage());
        } catch (PluginException e) {
            throw invalid(who + " cannot take the spec: " + e.getMessage());
        }
    }

    private static WriteException invalid(String message) {
        return new WriteException(WriteException.Reason.INVALID, message);
    }
}
