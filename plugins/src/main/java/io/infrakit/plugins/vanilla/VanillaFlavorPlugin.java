package io.infrakit.plugins.vanilla;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.access.HostAccess;
import io.infrakit.plugins.access.HostGuard;
import io.infrakit.plugins.access.HostRequest;
import io.infrakit.plugins.json.KeyAudit;
import io.infrakit.plugins.spi.Allocation;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.FlavorPlugin;
import io.infrakit.plugins.spi.Health;
import io.infrakit.plugins.spi.Index;
import io.infrakit.plugins.spi.InstanceDescription;
import io.infrakit.plugins.spi.InstanceSpec;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * InfraKit's vanilla flavor ({@code flavor-vanilla}): adds fixed init lines, tags and attachments to every instance,
 * and calls every instance healthy.
 *
 * <p>{@code InitScriptTemplateURL} is supported for {@code file://} URLs only, and the file is used as a plain
 * script: Go templates are not rendered. A script containing <code>{{</code> is refused rather than passed on
 * unrendered, since under InfraKit it would have been a template. The file is read on this host: its guard is
 * asked first.
 */
public final class VanillaFlavorPlugin implements FlavorPlugin {

    static final String BOTH_INIT_ERROR = "Either \"Init\" or \"InitScriptTemplateURL\" can be specified but not both";

    /** Its init lines as written, or the file its script is read from. */
    public static final HostAccess HOST_ACCESS = properties -> {
        VanillaSpec spec = VanillaSpec.parse(properties);
        List<HostRequest> out = new ArrayList<>();
        for (int i = 0; i < spec.init().size(); i++) {
            out.add(HostRequest.of(HostRequest.Kind.INIT_LINE, spec.init().get(i), "Init[" + i + "]"));
        }
        if (!spec.initScriptTemplateUrl().isEmpty()) {
            out.add(HostRequest.of(HostRequest.Kind.FETCH_URL, spec.initScriptTemplateUrl(), "InitScriptTemplateURL"));
            out.add(HostRequest.of(HostRequest.Kind.GENERATED_INIT, "the file at InitScriptTemplateURL",
                    "InitScriptTemplateURL"));
        }
        return out;
    };

    private final HostGuard guard;

    public VanillaFlavorPlugin() {
        this(HostGuard.NONE);
    }

    /** @param guard asked before a script file is read */
    public VanillaFlavorPlugin(HostGuard guard) {
        this.guard = guard;
    }

    @Override
    public List<KeyAudit.UnknownKey> unknownKeys(JsonNode properties) {
        return KeyAudit.of(() -> VanillaSpec.parse(properties));
    }

    @Override
    public void validate(JsonNode properties, Allocation allocation) {
        VanillaSpec spec = VanillaSpec.parse(properties);
        if (!spec.initScriptTemplateUrl().isEmpty() && !spec.init().isEmpty()) {
            throw new PluginException(BOTH_INIT_ERROR);
        }
        if (!spec.initScriptTemplateUrl().isEmpty()) {
            initScript(spec.initScriptTemplateUrl());
        }
    }

    /**
     * The spec's init (when not empty), then the flavor's script or init lines, joined by newlines; the flavor's
     * tags over the spec's; the flavor's attachments after the spec's.
     */
    @Override
    public InstanceSpec prepare(JsonNode properties, InstanceSpec spec, Allocation allocation, Index index) {
        VanillaSpec flavor = VanillaSpec.parse(properties);
        List<String> lines = new ArrayList<>();
        if (!spec.init().isEmpty()) {
            lines.add(spec.init());
        }
        if (!flavor.initScriptTemplateUrl().isEmpty()) {
            lines.add(initScript(flavor.initScriptTemplateUrl()));
        } else {
            lines.addAll(flavor.init());
        }
        InstanceSpec prepared = spec.withInit(String.join("\n", lines));
        if (!flavor.tags().isEmpty()) {
            Map<String, String> tags = new LinkedHashMap<>(spec.tagsOrEmpty());
            tags.putAll(flavor.tags());
            prepared = prepared.withTags(tags);
        }
        if (!flavor.attachments().isEmpty()) {
            List<Attachment> attachments = new ArrayList<>(spec.attachments() == null ? List.of() : spec.attachments());
            attachments.addAll(flavor.attachments());
            prepared = prepared.withAttachments(attachments);
        }
        return prepared;
    }

    @Override
    public Health healthy(JsonNode properties, InstanceDescription instance) {
        return Health.HEALTHY;
    }

    @Override
    public void drain(JsonNode properties, InstanceDescription instance) {
        // Nothing runs on a vanilla instance that needs stopping first.
    }

    private String initScript(String url) {
        guard.check(HostRequest.of(HostRequest.Kind.FETCH_URL, url, "InitScriptTemplateURL"));
        Path path;
        try {
            URI uri = new URI(url);
            if (!"file".equalsIgnoreCase(uri.getScheme())) {
                throw new PluginException("InitScriptTemplateURL: only file:// URLs are supported, got " + url);
            }
            path = Path.of(uri);
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new PluginException("InitScriptTemplateURL: not a file URL: " + url + " (" + e.getMessage() + ")", e);
        }
        String script;
        try {
            script = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PluginException("InitScriptTemplateURL: cannot read " + url + ": " + e, e);
        }
        if (script.contains("{{")) {
            throw new PluginException("InitScriptTemplateURL: " + url
                    + " looks like a Go template ({{ ... }}); templates are not supported, give a plain script");
        }
        return script;
    }

    @Override
    public String toString() {
        return "VanillaFlavorPlugin";
    }
}
