package io.infrakit.operator.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which pushes concern a sync source: a push event from a git host (GitHub, Gitea, GitLab) names its repository and
 * ref; a push to another repository or branch must not trigger this source's sync. A payload that names neither (a
 * CI job's bare trigger) passes.
 *
 * @param repository the source's remote URL, or null when it has none to compare (a local path or directory):
 *                   then any repository passes
 * @param ref        the branch, tag or commit the source follows, or null for the repository's default branch
 */
public record PushFilter(String repository, String ref) {

    /** Any push passes (a directory source). */
    public static final PushFilter ANY = new PushFilter(null, null);

    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    /** Where GitHub, Gitea (repository) and GitLab (project, repository) put the repository's own URLs. */
    private static final List<String> URL_FIELDS = List.of("clone_url", "html_url", "ssh_url", "git_url", "svn_url",
            "url", "git_http_url", "git_ssh_url", "http_url", "web_url", "homepage");
    private static final Pattern SCP_LIKE = Pattern.compile("^[\\w.-]+@([\\w.-]+):(.*)$");

    /** The filter for a git source at {@code location} ({@code --git}) following {@code ref} ({@code --ref}). */
    public static PushFilter forGit(String location, String ref) {
        String l = location.strip();
        boolean remote = GitSource.isUrl(l) && !l.toLowerCase(Locale.ROOT).startsWith("file:");
        return new PushFilter(remote ? l : null, ref == null || ref.isBlank() ? null : ref.strip());
    }

    /**
     * Why this push is none of the source's business, or null when it is (or cannot be told apart).
     *
     * @param payload the event's JSON body, or null when it is not JSON
     */
    public String mismatch(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            return null;
        }
        JsonNode pushed = payload.get("ref");
        if (pushed != null && pushed.isTextual()) {
            String why = refMismatch(pushed.asText(), defaultBranch(payload));
            if (why != null) {
                return why;
            }
        }
        if (repository != null) {
            List<String> urls = urls(payload);
            String mine = normalize(repository);
            if (!urls.isEmpty() && urls.stream().map(PushFilter::normalize).noneMatch(mine::equals)) {
                return "push to " + urls.get(0) + ", this source follows " + repository;
            }
        }
        return null;
    }

    private String refMismatch(String pushed, String defaultBranch) {
        if (ref == null) {
            if (defaultBranch == null || pushed.equals("refs/heads/" + defaultBranch)) {
                return null;
            }
            return "push to " + pushed + ", this source follows the default branch " + defaultBranch;
        }
        if (COMMIT.matcher(ref).matches()) {
            return "push to " + pushed + ", this source is pinned to commit " + ref;
        }
        boolean same = ref.startsWith("refs/") ? pushed.equals(ref)
                : pushed.equals("refs/heads/" + ref) || pushed.equals("refs/tags/" + ref);
        return same ? null : "push to " + pushed + ", this source follows " + ref;
    }

    /** GitHub and Gitea: repository.default_branch; GitLab: project.default_branch. */
    private static String defaultBranch(JsonNode payload) {
        for (String holder : new String[] {"repository", "project"}) {
            JsonNode b = payload.path(holder).get("default_branch");
            if (b != null && b.isTextual() && !b.asText().isBlank()) {
                return b.asText();
            }
        }
        return null;
    }

    /** Every URL the payload gives for its repository (clone, ssh, web), in the order found. */
    private static List<String> urls(JsonNode payload) {
        List<String> urls = new ArrayList<>();
        for (String holder : new String[] {"repository", "project"}) {
            JsonNode node = payload.get(holder);
            if (node == null || !node.isObject()) {
                continue;
            }
            for (String name : URL_FIELDS) {
                JsonNode value = node.get(name);
                if (value != null && value.isTextual() && !value.asText().isBlank()) {
                    urls.add(value.asText());
                }
            }
        }
        return urls;
    }

    /**
     * A repository URL reduced to host and path, so that {@code https://github.com/o/r.git},
     * {@code git@github.com:o/r} and {@code ssh://git@github.com:22/o/r/} compare equal.
     */
    static String normalize(String url) {
        String u = url.strip().toLowerCase(Locale.ROOT);
        var scp = SCP_LIKE.matcher(u);
        if (!u.contains("://") && scp.matches()) {
            u = scp.group(1) + "/" + scp.group(2);
        } else {
            int scheme = u.indexOf("://");
            if (scheme >= 0) {
                u = u.substring(scheme + 3);
            }
            int slash = u.indexOf('/');
            String authority = slash < 0 ? u : u.substring(0, slash);
            String path = slash < 0 ? "" : u.substring(slash);
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = authority.lastIndexOf(':');
            if (colon >= 0 && !authority.endsWith("]")) {
                authority = authority.substring(0, colon);
            }
            u = authority + path;
        }
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith(".git")) {
            u = u.substring(0, u.length() - 4);
        }
        return u.startsWith("www.") ? u.substring(4) : u;
    }
}
