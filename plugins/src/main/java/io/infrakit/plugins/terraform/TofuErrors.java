package io.infrakit.plugins.terraform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code Error:} blocks OpenTofu and Terraform write on stderr (with {@code -no-color}), and which of them are
 * about one instance: those that name its file or one of its resources. One apply makes many instances; each
 * failed Provision reports the errors about its own instance.
 */
final class TofuErrors {

    private static final int MAX_MESSAGE = 4000;

    private TofuErrors() {
    }

    /** Every block from an {@code Error:} line to the next, trimmed; the whole text when there is none. */
    static List<String> blocks(String stderr) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : stderr.split("\n", -1)) {
            String l = stripBox(line);
            if (l.startsWith("Error: ")) {
                if (current != null) {
                    blocks.add(current.toString().strip());
                }
                current = new StringBuilder();
            }
            if (current != null) {
                current.append(l).append('\n');
            }
        }
        if (current != null) {
            blocks.add(current.toString().strip());
        }
        if (blocks.isEmpty() && !stderr.isBlank()) {
            blocks.add(stderr.strip());
        }
        return blocks;
    }

    /** The blocks that mention the instance's file or any of its resource addresses; empty when none does. */
    static List<String> about(String stderr, String instanceId, Collection<String> addresses) {
        List<Pattern> names = new ArrayList<>();
        names.add(exact(instanceId + InstanceFile.SUFFIX));
        addresses.forEach(a -> names.add(exact(a)));
        return blocks(stderr).stream().filter(b -> names.stream().anyMatch(p -> p.matcher(b).find())).toList();
    }

    /** Blocks joined into one message, shortened to a size a group's status can carry. */
    static String message(List<String> blocks) {
        String joined = String.join("\n", blocks);
        return joined.length() <= MAX_MESSAGE ? joined : joined.substring(0, MAX_MESSAGE) + "...";
    }

    /** The name, not as the start of a longer one ({@code instance-3} is not found in {@code instance-30}). */
    private static Pattern exact(String name) {
        return Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(name) + "(?![A-Za-z0-9_-])");
    }

    /** Without colour, boxes are still drawn on terminals; they are not part of the message. */
    private static String stripBox(String line) {
        if (line.startsWith("│ ") || line.startsWith("╷") || line.startsWith("╵")) {
            return line.startsWith("│ ") ? line.substring(2) : "";
        }
        return line.equals("│") ? "" : line;
    }
}
