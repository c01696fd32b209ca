package io.infrakit.operator.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Reads refs and trees of a JGit repository for {@link GitSource}. */
final class GitTree {

    /** A symlink's target is a path; anything longer is not one we follow. */
    private static final int MAX_LINK_BYTES = 4096;

    private record Entry(FileMode mode, ObjectId id) {
    }

    private GitTree() {
    }

    /** The commit {@code ref} names, or the remote's (or local repository's) HEAD when ref is null. */
    static ObjectId resolve(Repository repo, String ref, ObjectId remoteHead, String where) throws SyncException {
        if (ref == null && remoteHead != null) {
            return commitOf(repo, remoteHead.name(), "HEAD", where);
        }
        return commitOf(repo, ref == null ? Constants.HEAD : ref, ref == null ? "HEAD" : ref, where);
    }

    private static ObjectId commitOf(Repository repo, String rev, String shown, String where) throws SyncException {
        try {
            ObjectId id = repo.resolve(rev + "^{commit}");
            if (id == null) {
                throw new SyncException("ref '" + shown + "' not found in " + where
                        + (shown.equals("HEAD") ? " (is the repository empty?)" : ""));
            }
            return id;
        } catch (AmbiguousObjectException e) {
            throw new SyncException("ref '" + shown + "' is ambiguous in " + where + ": give more of the commit id");
        } catch (RevisionSyntaxException | IncorrectObjectTypeException e) {
            throw new SyncException("ref '" + shown + "' is not a branch, tag or commit of " + where);
        } catch (MissingObjectException e) {
            throw new SyncException("commit '" + shown + "' not found in " + where);
        } catch (IOException e) {
            throw new SyncException("cannot resolve ref '" + shown + "' in " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * The spec files under {@code subPath} at {@code commit}, with paths relative to the repository root. Symlinks
     * are resolved within the sub-tree; one pointing out of it is an error.
     */
    static List<SourceFile> read(Repository repo, ObjectId commit, String subPath, SourceLimits limits, String where)
            throws SyncException {
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            RevCommit c = walk.parseCommit(commit);
            ObjectId root = c.getTree();
            if (!subPath.isEmpty()) {
                try (TreeWalk tw = TreeWalk.forPath(reader, subPath, c.getTree())) {
                    if (tw == null) {
                        throw new SyncException("path '" + subPath + "' not found at commit " + commit.name()
                                + " of " + where);
                    }
                    if (tw.getFileMode(0) != FileMode.TREE) {
                        throw new SyncException("path '" + subPath + "' is not a directory at commit "
                                + commit.name() + " of " + where);
                    }
                    root = tw.getObjectId(0);
                }
            }
            Map<String, Entry> entries = new TreeMap<>();
            try (TreeWalk tw = new TreeWalk(reader)) {
                tw.addTree(root);
                tw.setRecursive(true);
                while (tw.next()) {
                    entries.put(tw.getPathString(), new Entry(tw.getFileMode(0), tw.getObjectId(0)));
                }
            }
            return collect(reader, entries, subPath, limits);
        } catch (IOException e) {
            throw new SyncException("cannot read commit " + commit.name() + " of " + where + ": " + e.getMessage(), e);
        }
    }

    private static List<SourceFile> collect(ObjectReader reader, Map<String, Entry> entries, String subPath,
                                            SourceLimits limits) throws IOException, SyncException {
        List<SourceFile> files = new ArrayList<>();
        List<SyncProblem> problems = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            String rel = e.getKey();
            String shown = TreePaths.join(subPath, rel);
            if (TreePaths.isHidden(rel)) {
                continue;
            }
            Entry entry = e.getValue();
            if (entry.mode() == FileMode.SYMLINK) {
                String target = link(reader, entry.id());
                String inTree = TreePaths.resolveLink(rel, target);
                if (inTree == null) {
                    problems.add(SyncProblem.at(shown, 0, "symlink points out of the tree (to " + target + ")"));
                    continue;
                }
                entry = follow(reader, entries, inTree);
                if (entry == null) {
                    if (TreePaths.isSpecFile(rel) && !isDirectory(entries, inTree)) {
                        problems.add(SyncProblem.at(shown, 0, "broken symlink (to " + target + ")"));
                    }
                    continue;
                }
                if (entry.mode() == FileMode.SYMLINK) {
                    problems.add(SyncProblem.at(shown, 0, "symlink out of the tree, broken, or in a loop"));
                    continue;
                }
            }
            if (!TreePaths.isSpecFile(rel) || (entry.mode() != FileMode.REGULAR_FILE
                    && entry.mode() != FileMode.EXECUTABLE_FILE)) {
                continue; // submodules and other files are not specs
            }
            ObjectLoader loader = reader.open(entry.id(), Constants.OBJ_BLOB);
            long size = loader.getSize();
            if (size > limits.maxFileBytes()) {
                problems.add(SyncProblem.at(shown, 0, limits.tooBig(size)));
                continue;
            }
            total += size;
            if (total > limits.maxTotalBytes()) {
                problems.add(SyncProblem.of(limits.tooMuch()));
                break;
            }
            files.add(new SourceFile(shown, loader.getBytes()));
        }
        if (!problems.isEmpty()) {
            throw new SyncException(problems);
        }
        return files;
    }

    /** Follows a chain of in-tree symlinks; a link out of the tree or a loop ends as a symlink entry. */
    private static Entry follow(ObjectReader reader, Map<String, Entry> entries, String path) throws IOException {
        Entry entry = entries.get(path);
        for (int hops = 0; entry != null && entry.mode() == FileMode.SYMLINK; hops++) {
            if (hops == TreePaths.MAX_LINK_HOPS) {
                return entry;
            }
            String next = TreePaths.resolveLink(path, link(reader, entry.id()));
            if (next == null) {
                return entry;
            }
            path = next;
            entry = entries.get(path);
        }
        return entry;
    }

    private static boolean isDirectory(Map<String, Entry> entries, String path) {
        String prefix = path.isEmpty() ? "" : path + "/";
        return entries.keySet().stream().anyMatch(p -> p.startsWith(prefix));
    }

    private static String link(ObjectReader reader, ObjectId id) throws IOException {
        ObjectLoader loader = reader.open(id, Constants.OBJ_BLOB);
        if (loader.getSize() > MAX_LINK_BYTES) {
            return "/";
        }
        return new String(loader.getBytes(), StandardCharsets.UTF_8);
    }
}
