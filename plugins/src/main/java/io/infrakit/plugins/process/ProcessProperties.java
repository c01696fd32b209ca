package io.infrakit.plugins.process;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.PluginException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instance properties of a {@code process} group:
 * {@code {"Command": "...", "Env": {"K": "v"}, "Dir": "/path", "StopGrace": "10s"}}. The command runs after the
 * flavor's init script, in the same shell; absent fields are empty.
 */
record ProcessProperties(String command, Map<String, String> env, String dir, Duration stopGrace) {

    static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

    ProcessProperties {
        command = command == null ? "" : command;
        env = env == null ? Map.of() : Map.copyOf(env);
        dir = dir == null ? "" : dir;
        stopGrace = stopGrace == null ? DEFAULT_STOP_GRACE : stopGrace;
    }

    /**
     * @throws PluginException naming the field with the wrong type
     */
    static ProcessProperties parse(JsonNode properties) {
        if (properties == null || properties.isNull() || properties.isMissingNode()) {
            return new ProcessProperties(null, null, null, null);
        }
        ObjectFields fields = ObjectFields.of(properties, "Properties", PluginException::new);
        String grace = fields.string("StopGrace");
        return new ProcessProperties(fields.string("Command"), fields.stringMap("Env"), fields.string("Dir"),
                grace == null ? null : duration(fields, grace));
    }

    /** Go-style durations: "500ms", "10s", "1m". */
    private static Duration duration(ObjectFields fields, String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw fields.fail("StopGrace", "must be a duration like \"500ms\", \"10s\" or \"1m\", got \""
                    + text + "\"");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    /** Everything runs on this host: the flavor's init script, the command, with these variables. */
    List<HostRequest> hostRequests() {
        List<HostRequest> out = new ArrayList<>();
        out.add(HostRequest.of(HostRequest.Kind.HOST_SCRIPT, "", ""));
        if (!command.isEmpty()) {
            out.add(HostRequest.of(HostRequest.Kind.COMMAND, command, "Command"));
        }
        for (String name : new TreeSet<>(env.keySet())) {
            out.add(HostRequest.of(HostRequest.Kind.COMMAND_ENV, name, "Env." + name));
        }
        return out;
    }

    /** The whole shell script: the flavor's init, then the command. */
    String script(String init) {
        if (command.isEmpty()) {
            return init;
        }
        return init.isEmpty() ? command : init + "\n" + command;
    }
}
