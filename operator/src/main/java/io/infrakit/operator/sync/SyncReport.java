package io.infrakit.operator.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.operator.group.FieldChange;
import io.infrakit.plugins.json.Json;
import java.util.ArrayList;
import java.util.List;

/** A {@link SyncResult} for people ({@link #text}) and for scripts ({@link #of}, {@code -o json}). */
@JsonPropertyOrder({"Source", "Status", "DryRun", "Repository", "Ref", "Commit", "Path", "Changes", "Unchanged",
        "Problems", "Transactions", "Revision"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyncReport(
        @JsonProperty("Source") String source,
        @JsonProperty("Status") SyncResult.Status status,
        @JsonProperty("DryRun") boolean dryRun,
        @JsonProperty("Repository") String repository,
        @JsonProperty("Ref") String ref,
        @JsonProperty("Commit") String commit,
        @JsonProperty("Path") String path,
        @JsonProperty("Changes") List<GroupChange> changes,
        @JsonProperty("Unchanged") List<String> unchanged,
        @JsonProperty("Problems") List<String> problems,
        @JsonProperty("Transactions") int transactions,
        @JsonProperty("Revision") long revision) {

    /** Field changes shown per group before "and N more". */
    static final int MAX_DIFF_LINES = 40;
    private static final int MAX_VALUE_CHARS = 100;

    public static SyncReport of(SyncResult r) {
        SourceSnapshot s = r.snapshot();
        return new SyncReport(r.name(), r.status(), r.dryRun(), s == null ? null : s.repository(),
                s == null ? null : s.ref(), s == null ? null : s.commit(), s == null ? null : s.path(),
                r.plan() == null ? null : r.plan().changes(), r.plan() == null ? null : r.plan().unchanged(),
                r.problems().stream().map(SyncProblem::toString).toList(), r.transactions(), r.revision());
    }

    /** The result as lines: the source, each group that differs with its field diff, then a summary. */
    public static String text(SyncResult r) {
        StringBuilder out = new StringBuilder();
        SourceSnapshot s = r.snapshot();
        if (s != null) {
            out.append("source ").append(r.name()).append(": ").append(s.repository());
            if (s.commit() != null) {
                out.append(" @ ").append(s.ref()).append(' ').append(s.shortCommit());
            }
            if (s.path() != null) {
                out.append(" (path ").append(s.path()).append(')');
            }
            out.append('\n');
        }
        SyncPlan plan = r.plan();
        if (plan != null) {
            for (GroupChange c : plan.changes()) {
                change(out, c);
            }
        }
        if (r.failed()) {
            out.append(r.applied() == 0 ? "Sync failed; nothing was applied:\n"
                    : "Sync failed after applying " + r.applied() + " changes:\n");
            for (SyncProblem p : r.problems()) {
                out.append("  ").append(p).append('\n');
            }
            return out.toString();
        }
        List<GroupChange> deletes = plan.of(GroupChange.Kind.DELETE);
        if (!deletes.isEmpty()) {
            out.append('\n').append("!!! ").append(r.dryRun() ? "--prune would DELETE " : "DELETED ")
                    .append(deletes.size()).append(deletes.size() == 1 ? " group" : " groups")
                    .append(": the operator DESTROYS ALL THEIR INSTANCES: ")
                    .append(String.join(", ", deletes.stream().map(GroupChange::id).toList())).append('\n');
        }
        out.append(summary(r, plan)).append('\n');
        return out.toString();
    }

    private static String summary(SyncResult r, SyncPlan plan) {
        List<String> parts = new ArrayList<>();
        count(parts, plan.of(GroupChange.Kind.CREATE).size(), "to create", "created", r.dryRun());
        count(parts, plan.of(GroupChange.Kind.UPDATE).size() + plan.of(GroupChange.Kind.ADOPT).size()
                + plan.of(GroupChange.Kind.RELABEL).size(), "to update", "updated", r.dryRun());
        count(parts, plan.of(GroupChange.Kind.DELETE).size(), "to DELETE", "DELETED", r.dryRun());
        count(parts, plan.of(GroupChange.Kind.DRIFT).size(), "drifted (not reverted)", "drifted (not reverted)",
                r.dryRun());
        count(parts, plan.of(GroupChange.Kind.ORPHAN).size(), "orphaned (not pruned)", "orphaned (not pruned)",
                r.dryRun());
        count(parts, plan.of(GroupChange.Kind.UNRECORDED).size(), "claiming this source (not pruned)",
                "claiming this source (not pruned)", r.dryRun());
        parts.add(plan.unchanged().size() + " unchanged");
        String counts = String.join(", ", parts);
        if (r.dryRun()) {
            return (plan.inSync() ? "In sync: " : "Out of sync: ") + counts + ". Dry run: nothing was written.";
        }
        if (r.status() == SyncResult.Status.APPLIED) {
            return "Applied: " + counts + " (" + r.transactions()
                    + (r.transactions() == 1 ? " transaction" : " transactions") + ", revision " + r.revision() + ").";
        }
        return (plan.inSync() ? "In sync: " : "Nothing to apply: ") + counts + ".";
    }

    private static void count(List<String> parts, int n, String pending, String done, boolean dryRun) {
        if (n > 0) {
            parts.add(n + " " + (dryRun ? pending : done));
        }
    }

    private static void change(StringBuilder out, GroupChange c) {
        String label = switch (c.kind()) {
            case CREATE -> "+ create ";
            case UPDATE -> "~ update ";
            case ADOPT -> "~ adopt  ";
            case RELABEL -> "~ relabel";
            case DELETE -> "- DELETE ";
            case DRIFT -> "! drift  ";
            case ORPHAN -> "? orphan ";
            case UNRECORDED -> "? not ours";
        };
        out.append("  ").append(label).append(' ').append(c.id());
        if (c.path() != null) {
            out.append("  (").append(c.path()).append(')');
        }
        if (c.note() != null) {
            out.append(": ").append(c.note());
        }
        out.append('\n');
        int shown = 0;
        for (FieldChange f : c.diff()) {
            if (shown++ == MAX_DIFF_LINES) {
                out.append("      ... and ").append(c.diff().size() - MAX_DIFF_LINES).append(" more fields\n");
                break;
            }
            out.append("      ");
            if (f.live() == null) {
                out.append("+ ").append(f.path()).append(": ").append(value(f.source()));
            } else if (f.source() == null) {
                out.append("- ").append(f.path()).append(": ").append(value(f.live()));
            } else {
                out.append("~ ").append(f.path()).append(": ").append(value(f.live())).append(" -> ")
                        .append(value(f.source()));
            }
            out.append('\n');
        }
    }

    private static String value(JsonNode v) {
        String s = Json.write(v);
        return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS - 3) + "...";
    }
}
