package io.infrakit.operator.group;

/** InfraKit's words for what committing a spec does to a group, as its CommitGroup answers them. */
public final class CommitDetails {

    private CommitDetails() {
    }

    /**
     * @param current the spec stored now (JSON), or null when the group is new (or no longer managed)
     */
    public static String explain(GroupDefinition next, String current) {
        if (current == null) {
            return "Managing " + next.desired() + " instances";
        }
        GroupDefinition prev;
        try {
            prev = SpecValidator.parse(next.id(), current, 0);
        } catch (SpecException e) {
            return "Managing " + next.desired() + " instances (replacing an invalid spec)";
        }
        long change = next.desired() - prev.desired();
        boolean reconfigure = !prev.configHash().equals(next.configHash());
        long rolled = Math.min(prev.desired(), next.desired());
        StringBuilder s = new StringBuilder();
        if (reconfigure && rolled > 0) {
            s.append("Performing a rolling update on ").append(rolled).append(" instances");
        }
        if (change > 0) {
            s.append(s.length() > 0 ? ", then adding " : "Adding ").append(change)
                    .append(" instances to increase the group size to ").append(next.desired());
        } else if (change < 0) {
            s.append(s.length() > 0 ? ", then terminating " : "Terminating ").append(-change)
                    .append(" instances to reduce the group size to ").append(next.desired());
        }
        if (s.length() == 0) {
            // A new config with nothing to replace (the group was empty) is InfraKit's "adjusting".
            return reconfigure ? "Adjusting the instance configuration, no restarts necessary" : "Noop";
        }
        return s.toString();
    }
}
