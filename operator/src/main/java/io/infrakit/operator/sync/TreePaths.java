package io.infrakit.operator.sync;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/** Path rules shared by the directory and git sources; paths are relative, with '/' separators. */
final class TreePaths {

    /** Symlinks pointing at symlinks are followed this many times, then treated as a loop. */
    static final int MAX_LINK_HOPS = 8;

    private TreePaths() {
    }

    /** Whether a file name is one sync reads: {@code *.json}, {@code *.yaml}, {@code *.yml}. */
    static boolean isSpecFile(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml");
    }

    static boolean isYaml(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /** Dot files and directories ({@code .git}, {@code .github}) are not specs: CI files there are YAML too. */
    static boolean isHidden(String relativePath) {
        for (String part : relativePath.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    static String name(String relativePath) {
        int slash = relativePath.lastIndexOf('/');
        return slash < 0 ? relativePath : relativePath.substring(slash + 1);
    }

    /**
     * Where a symlink at {@code linkPath} (relative to the tree's root) points, as a normalized path relative to the
     * root, or null when it points out of the tree (absolute, or climbing above the root).
     */
    static String resolveLink(String linkPath, String target) {
        if (target.isEmpty() || target.startsWith("/") || target.contains("\\") || target.indexOf(':') == 1) {
            return null;
        }
        Deque<String> parts = new ArrayDeque<>();
        int slash = linkPath.lastIndexOf('/');
        if (slash >= 0) {
            for (String p : linkPath.substring(0, slash).split("/")) {
                parts.addLast(p);
            }
        }
        for (String p : target.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(p);
            }
        }
        return parts.isEmpty() ? "" : String.join("/", parts);
    }

    /** {@code sub/rel}, or {@code rel} when there is no sub-directory. */
    static String join(String subPath, String rel) {
        return subPath == null || subPath.isEmpty() ? rel : subPath + "/" + rel;
    }

    /** A user-given sub-directory as a clean relative path ("" for the root), or null when it leaves the tree. */
    static String cleanSubPath(String path) {
        if (path == null) {
            return "";
        }
        String p = path.strip().replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        return resolveLink("x", p);
    }
}
