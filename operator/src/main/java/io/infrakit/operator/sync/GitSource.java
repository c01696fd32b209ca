package io.infrakit.operator.sync;

import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * Spec files from one commit of a git repository, read with JGit (no git binary, no work tree). A local path is
 * read in place, from its object database: uncommitted changes do not count. A URL is fetched into a bare mirror
 * in {@code cacheDir} on every read (branches and tags, deleted ones pruned), so a moved branch is seen at once.
 * {@code ref} is a branch, tag or commit (abbreviated or not); null means the repository's HEAD.
 */
public final class GitSource implements SyncSource {

    private static final Pattern SCP_LIKE = Pattern.compile("^[\\w.-]+@[\\w.-]+:.*");
    private static final Map<Path, Object> CACHE_LOCKS = new ConcurrentHashMap<>();

    private final String url;
    private final String display;
    private final boolean remote;
    private final String ref;
    private final String subPath;
    private final Path cacheDir;
    private final Duration timeout;
    private final CredentialsProvider credentials;
    private final SourceLimits limits;

    private GitSource(Builder b) throws SyncException {
        this.url = b.location.strip();
        this.remote = isUrl(url);
        if (remote && (url.startsWith("ssh://") || url.startsWith("git+ssh://") || SCP_LIKE.matcher(url).matches())) {
            throw new SyncException("ssh repositories are not supported (" + url + "): use https:// with "
                    + "INFRAKIT_GIT_USERNAME and INFRAKIT_GIT_PASSWORD, or a local clone");
        }
        if (remote && b.cacheDir == null) {
            throw new IllegalArgumentException("a remote repository needs a cache directory");
        }
        this.display = remote ? redact(url) : Path.of(url).toAbsolutePath().normalize().toString();
        this.ref = b.ref == null || b.ref.isBlank() ? null : b.ref.strip();
        String sub = TreePaths.cleanSubPath(b.path);
        if (sub == null) {
            throw new SyncException("path '" + b.path + "' leaves the repository");
        }
        this.subPath = sub;
        this.cacheDir = b.cacheDir;
        this.timeout = b.timeout;
        this.credentials = b.credentials;
        this.limits = b.limits;
    }

    public static Builder builder(String location) {
        return new Builder(location);
    }

    /** Whether the location is a URL (fetched into a mirror) rather than a local repository path. */
    public static boolean isUrl(String location) {
        return location.contains("://") || SCP_LIKE.matcher(location).matches();
    }

    @Override
    public String location() {
        return display;
    }

    @Override
    public SourceSnapshot read() throws SyncException {
        if (!remote) {
            try (Repository repo = openLocal()) {
                return snapshot(repo, null);
            }
        }
        Object lock = CACHE_LOCKS.computeIfAbsent(cacheDir.toAbsolutePath().normalize(), p -> new Object());
        synchronized (lock) {
            try {
                PrivateFiles.privateDirectory(cacheDir); // the mirror holds the whole repository, history included
            } catch (IOException e) {
                throw new SyncException("cannot create git cache " + cacheDir + ": " + e.getMessage(), e);
            }
            // Another process (a dry run next to the watcher) may use the same mirror.
            try (FileChannel ch = FileChannel.open(cacheDir.resolve("infrakit-sync.lock"),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PrivateFiles.FILE))) {
                FileLock fileLock = ch.lock();
                try (Repository repo = openMirror()) {
                    ObjectId head = fetch(repo);
                    return snapshot(repo, head);
                } finally {
                    fileLock.release();
                }
            } catch (IOException e) {
                throw new SyncException("cannot use git cache " + cacheDir + ": " + e.getMessage(), e);
            }
        }
    }

    private SourceSnapshot snapshot(Repository repo, ObjectId remoteHead) throws SyncException {
        ObjectId commit = GitTree.resolve(repo, ref, remoteHead, display);
        var files = GitTree.read(repo, commit, subPath, limits, display);
        return new SourceSnapshot(display, ref == null ? "HEAD" : ref, commit.name(),
                subPath.isEmpty() ? null : subPath, files);
    }

    private Repository openLocal() throws SyncException {
        Path dir = Path.of(url);
        if (!Files.isDirectory(dir)) {
            throw new SyncException("repository " + display + " does not exist");
        }
        try {
            return Git.open(dir.toFile()).getRepository();
        } catch (RepositoryNotFoundException e) {
            throw new SyncException(display + " is not a git repository");
        } catch (IOException e) {
            throw new SyncException("cannot open repository " + display + ": " + e.getMessage(), e);
        }
    }

    private Repository openMirror() throws SyncException {
        Path gitDir = cacheDir.resolve("mirror.git");
        if (Files.isDirectory(gitDir.resolve("objects"))) {
            try {
                return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
            } catch (IOException e) {
                // A damaged cache is only a cache: start it again.
                deleteTree(gitDir);
            }
        }
        try {
            Git.init().setBare(true).setDirectory(gitDir.toFile()).call().close();
            return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
        } catch (GitAPIException | IOException e) {
            throw new SyncException("cannot create git cache " + gitDir + ": " + e.getMessage(), e);
        }
    }

    /** Fetches every branch and tag; returns what the remote's HEAD points at (null if it has none). */
    private ObjectId fetch(Repository repo) throws SyncException {
        try (Git git = new Git(repo)) {
            FetchResult result = git.fetch()
                    .setRemote(url)
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                    .setRemoveDeletedRefs(true)
                    .setTimeout((int) Math.max(1, timeout.toSeconds()))
                    .setCredentialsProvider(credentials)
                    .call();
            Ref head = result.getAdvertisedRef(Constants.HEAD);
            return head == null ? null : head.getObjectId();
        } catch (GitAPIException | RuntimeException e) {
            throw new SyncException("cannot fetch " + display + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c.getMessage() != null && (message == null || !message.contains(c.getMessage()))) {
                message = (message == null ? "" : message + ": ") + c.getMessage();
            }
        }
        return message == null ? e.toString() : message;
    }

    /** The URL without a password, for messages and annotations. */
    static String redact(String url) {
        try {
            URIish u = new URIish(url);
            return u.getPass() == null ? url : u.setPass(null).toString();
        } catch (java.net.URISyntaxException e) {
            return url;
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // init below reports what is still wrong
        }
    }

    public static final class Builder {
        private final String location;
        private String ref;
        private String path;
        private Path cacheDir;
        private Duration timeout = Duration.ofSeconds(60);
        private CredentialsProvider credentials;
        private SourceLimits limits = SourceLimits.DEFAULT;

        private Builder(String location) {
            this.location = location;
        }

        public Builder ref(String ref) {
            this.ref = ref;
            return this;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        /** Where a remote repository is mirrored (one directory per URL). */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder credentials(CredentialsProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        public Builder limits(SourceLimits limits) {
            this.limits = limits;
            return this;
        }

        public GitSource build() throws SyncException {
            return new GitSource(this);
        }
    }
}
