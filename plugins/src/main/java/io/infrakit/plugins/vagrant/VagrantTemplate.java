package io.infrakit.plugins.vagrant;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.spi.PluginException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Vagrantfile template in the form InfraKit's vagrant plugin read (Go template syntax): {@code {{.Properties.Box}}},
 * {@code {{.NetworkOptions}}} and the like are filled in; nothing else of Go's template language is (a template that
 * uses more is refused). A missing value renders as nothing.
 *
 * <p>The Vagrantfile is Ruby run on the operator's host, so a value from a spec may not carry quotes, backslashes,
 * backticks, {@code #{} or line breaks: such a spec is refused rather than written into code.
 */
final class VagrantTemplate {

    /**
     * The default: InfraKit's template for VirtualBox (also used for libvirt), and the docker provider running the
     * init script as the container's command, the container then staying up as a machine does.
     */
    static final String DEFAULT = """
            # Made by the operator's vagrant plugin for instance {{.ID}}; boot.sh beside it is the init script.
            Vagrant.configure("2") do |config|
              config.vm.hostname = "{{.ID}}"
              config.vm.synced_folder ".", "/vagrant", disabled: true
              ["virtualbox", "libvirt"].each do |name|
                config.vm.provider name do |vm, override|
                  override.vm.box = "{{.Properties.Box}}"
                  override.vm.network "private_network"{{.NetworkOptions}}
                  override.vm.provision :shell, path: "boot.sh"
                  vm.memory = {{.Properties.Memory}}
                  vm.cpus = {{.Properties.CPUs}}
                end
              end
              config.vm.provider "docker" do |d|
                d.image = "{{.Properties.Image}}"
                d.name = "{{.ID}}"
                d.has_ssh = false
                d.cmd = ["/bin/sh", "-c", File.read(File.join(__dir__, "boot.sh")) + "\\nexec sleep 2147483647"]
                d.create_args = ["--cpus={{.Properties.CPUs}}", "--memory={{.Properties.Memory}}m"]
              end
            end
            """;

    private static final Pattern ACTION = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
    private static final Pattern FIELD = Pattern.compile("\\s*((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)\\s*");
    private static final Pattern UNSAFE = Pattern.compile("[\"'`\\\\\\p{Cntrl}]|#\\{");

    private final String text;

    VagrantTemplate(String text) {
        this.text = text;
        Matcher m = ACTION.matcher(text);
        while (m.find()) {
            if (!FIELD.matcher(m.group(1)).matches()) {
                throw new IllegalArgumentException("the Vagrantfile template uses {{" + m.group(1) + "}}: only "
                        + "fields such as {{.Properties.Box}} or {{.ID}} are filled in");
            }
        }
    }

    /**
     * Fills the template in.
     *
     * @param data {@code Properties} (a JSON object), and text values such as {@code ID} and {@code NetworkOptions}
     *             (those are the plugin's own and not checked)
     * @throws PluginException when a value from the properties is not a plain value, or is unsafe in Ruby
     */
    String render(Map<String, Object> data) {
        Matcher m = ACTION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Matcher field = FIELD.matcher(m.group(1));
            field.matches();
            m.appendReplacement(out, Matcher.quoteReplacement(value(data, field.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String value(Map<String, Object> data, String path) {
        String[] names = path.substring(1).split("\\.");
        Object root = data.get(names[0]);
        if (root instanceof String s && names.length == 1) {
            return s;
        }
        JsonNode node = root instanceof JsonNode j ? j : null;
        for (int i = 1; i < names.length && node != null; i++) {
            node = node.get(names[i]);
        }
        if (node == null || node.isNull() || names.length == 1) {
            return "";
        }
        if (!node.isValueNode()) {
            throw new PluginException("Property " + path.substring(1) + " must be a plain value to go into the "
                    + "Vagrantfile, not " + node);
        }
        return checkSafe("Property " + path.substring(1), node.asText());
    }

    /** The value, if it can go between double quotes in Ruby as it is. */
    static String checkSafe(String what, String value) {
        if (UNSAFE.matcher(value).find()) {
            throw new PluginException(what + " may not hold quotes, backslashes, backticks, #{ or control "
                    + "characters (it is written into the Vagrantfile): " + value);
        }
        return value;
    }
}
