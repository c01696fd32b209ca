package io.infrakit.store.election;

/** One candidate's key as read from etcd; {@code value} is what the candidate says about itself (identity JSON). */
public record Candidate(String key, String value, long createRevision) {

    /** The lease the key is bound to: candidates name their key after it, in hex. */
    public long leaseId() {
        String hex = key.substring(key.lastIndexOf('/') + 1);
        try {
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
