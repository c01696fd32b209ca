package io.infrakit.operator.sync;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Spec files under a local directory, recursively, skipping dot files and dot directories. Symlinks are followed
 * only inside the directory: one pointing out of it is an error (a spec must come from the tree under review).
 */
public final class DirectorySource implements SyncSource {

    private final Path dir;
    private final SourceLimits limits;

    public DirectorySource(Path dir, SourceLimits limits) {
        this.dir = dir.toAbsolutePath().normalize();
        this.limits = limits;
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public SourceSnapshot read() throws SyncException {
        Path root;
        try {
            root = dir.toRealPath();
        } catch (NoSuchFileException e) {
            throw new SyncException("directory " + dir + " does not exist");
        } catch (IOException e) {
            throw new SyncException("cannot read directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(root)) {
            throw new SyncException(dir + " is not a directory");
        }
        Walker walker = new Walker(root);
        try {
            Files.walkFileTree(root, walker);
        } catch (IOException e) {
            throw new SyncException("cannot read directory " + dir + ": " + e.getMessage(), e);
        }
        if (!walker.problems.isEmpty()) {
            throw new SyncException(walker.problems);
        }
        walker.files.sort(Comparator.comparing(SourceFile::path));
        return new SourceSnapshot(location(), null, null, null, walker.files);
    }

    private final class Walker extends SimpleFileVisitor<Path> {
        private final Path root;
        private final List<SourceFile> files = new ArrayList<>();
        private final List<SyncProblem> problems = new ArrayList<>();
        private long total;

        Walker(Path root) {
            this.root = root;
        }

        private String rel(Path p) {
            return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        }

        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            return !d.equals(root) && TreePaths.isHidden(d.getFileName().toString())
                    ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
            String rel = rel(f);
            if (TreePaths.isHidden(f.getFileName().toString())) {
                return FileVisitResult.CONTINUE;
            }
            Path target = f;
            if (attrs.isSymbolicLink()) {
                try {
                    target = f.toRealPath();
                } catch (IOException e) {
                    if (TreePaths.isSpecFile(rel)) {
                        problems.add(SyncProblem.at(rel, 0, "broken symlink"));
                    }
                    return FileVisitResult.CONTINUE;
                }
                if (!target.startsWith(root)) {
                    problems.add(SyncProblem.at(rel, 0, "symlink points out of the tree (to " + target + ")"));
                    return FileVisitResult.CONTINUE;
                }
            }
            // Directories reached through a symlink are not walked: their files are under the root anyway.
            if (!TreePaths.isSpecFile(rel) || !Files.isRegularFile(target)) {
                return FileVisitResult.CONTINUE;
            }
            try {
                long size = Files.size(target);
                if (size > limits.maxFileBytes()) {
                    problems.add(SyncProblem.at(rel, 0, limits.tooBig(size)));
                    return FileVisitResult.CONTINUE;
                }
                byte[] content = Files.readAllBytes(target);
                if (content.length > limits.maxFileBytes()) {
                    problems.add(SyncProblem.at(rel, 0, limits.tooBig(content.length)));
                    return FileVisitResult.CONTINUE;
                }
                total += content.length;
                if (total > limits.maxTotalBytes()) {
                    problems.add(SyncProblem.of(limits.tooMuch()));
                    return FileVisitResult.TERMINATE;
                }
                files.add(new SourceFile(rel, content));
            } catch (IOException e) {
                problems.add(SyncProblem.at(rel, 0, "cannot read: " + e.getMessage()));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
            problems.add(SyncProblem.at(rel(f), 0, "cannot read: " + e.getMessage()));
            return FileVisitResult.CONTINUE;
        }
    }
}
