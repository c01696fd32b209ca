package io.infrakit.operator.sync;

/**
 * How much a source may hold. A spec file over {@code maxFileBytes}, or spec files adding up to more than
 * {@code maxTotalBytes}, is an error rather than something to load into memory and etcd.
 */
public record SourceLimits(long maxFileBytes, long maxTotalBytes) {

    public static final long DEFAULT_MAX_FILE_BYTES = 1L << 20;
    public static final long DEFAULT_MAX_TOTAL_BYTES = 64L << 20;

    public static final SourceLimits DEFAULT = new SourceLimits(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES);

    public SourceLimits {
        if (maxFileBytes <= 0 || maxTotalBytes <= 0) {
            throw new IllegalArgumentException("source limits must be positive");
        }
    }

    String tooBig(long size) {
        return "file is " + size + " bytes, over the limit of " + maxFileBytes + " (--max-file-size)";
    }

    String tooMuch() {
        return "spec files add up to more than " + maxTotalBytes + " bytes";
    }
}
