package io.infrakit.plugins.vanilla;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.ObjectFields;
import io.infrakit.plugins.spi.Attachment;
import io.infrakit.plugins.spi.PluginException;
import java.util.List;
import java.util.Map;

/**
 * The vanilla flavor's properties: {@code {"Init":[..],"InitScriptTemplateURL":"..","Tags":{..},"Attachments":[..]}}.
 * Absent fields are empty (never null).
 */
record VanillaSpec(List<String> init, String initScriptTemplateUrl, Map<String, String> tags,
                   List<Attachment> attachments) {

    VanillaSpec {
        init = init == null ? List.of() : List.copyOf(init);
        initScriptTemplateUrl = initScriptTemplateUrl == null ? "" : initScriptTemplateUrl;
        tags = tags == null ? Map.of() : tags;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /**
     * Decodes the properties as Go decodes them into the flavor's struct (keys in any case, unknown keys ignored).
     *
     * @throws PluginException naming the field with the wrong type
     */
    static VanillaSpec parse(JsonNode properties) {
        if (properties == null || properties.isNull()) {
            return new VanillaSpec(null, null, null, null);
        }
        ObjectFields fields = ObjectFields.of(properties, "Properties", PluginException::new);
        return new VanillaSpec(fields.stringList("Init"), fields.string("InitScriptTemplateURL"),
                fields.stringMap("Tags"), fields.list("Attachments",
                        a -> new Attachment(a.string("ID", ""), a.string("Type", ""))));
    }
}
