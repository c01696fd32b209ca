package io.infrakit.plugins.file;

import io.infrakit.plugins.spi.InstanceDescription;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What was last read from one file of the instance directory, and the file's identity then (inode, modified time,
 * size, taken before reading it). Only what a listing returns is kept ({@code listed}: ID, logical ID, tags), not
 * the spec, which a listing with properties reads from the file. {@code listed} is null for a file that is no
 * instance record (undecodable, too large, not a regular file): it is kept so that it is not read again until it
 * changes. A write, ours or by hand, in
 * place or by a rename, changes the modified time or the inode (or both); a file modified within the file system's
 * clock tick of its reading ({@code racy}) could change again without either moving, so it is read again next time,
 * as git treats a "racily clean" file.
 */
record IndexedFile(String name, InstanceDescription listed, Object fileKey, long modifiedNanos, long size,
        boolean racy) {

    /** A record is trusted unread only when its file was last modified longer ago than this. */
    static final long RACY_MILLIS = 1_000;

    static IndexedFile of(String name, InstanceDescription listed, BasicFileAttributes attributes) {
        long modified = attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        boolean racy = attributes.lastModifiedTime().toMillis() >= System.currentTimeMillis() - RACY_MILLIS;
        return new IndexedFile(name, listed, attributes.fileKey(), modified, attributes.size(), racy);
    }

    /** The listed instance's tags, or null. */
    java.util.Map<String, String> tags() {
        return listed == null ? null : listed.tags();
    }

    /** Whether the file still holds what was read from it. */
    boolean current(BasicFileAttributes a) {
        return !racy && fileKey != null && fileKey.equals(a.fileKey())
                && modifiedNanos == a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)
                && size == a.size();
    }
}
