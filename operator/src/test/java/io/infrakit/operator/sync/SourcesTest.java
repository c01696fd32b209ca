package io.infrakit.operator.sync;

import static io.infrakit.operator.sync.GitRepo.cattle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.state.PrivateFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directory and git sources: what they read, and the bad sources they refuse. */
class SourcesTest {

    @TempDir
    Path tmp;

    private static String content(SourceFile f) {
        return new String(f.content(), StandardCharsets.UTF_8);
    }

    @Test
    void directoryIsReadRecursivelyWithoutDotFilesOrOtherFiles() throws Exception {
        Path d = tmp.resolve("specs");
        Files.createDirectories(d.resolve("prod/.hidden"));
        Files.createDirectories(d.resolve(".github/workflows"));
        Files.writeString(d.resolve("web.json"), cattle("web", 1));
        Files.writeString(d.resolve("prod/db.yaml"), "x");
        Files.writeString(d.resolve("prod/.hidden/no.json"), "x");
        Files.writeString(d.resolve(".github/workflows/ci.yml"), "x");
        Files.writeString(d.resolve("README.md"), "x");
        Files.createSymbolicLink(d.resolve("alias.json"), Path.of("web.json"));
        SourceSnapshot s = new DirectorySource(d, SourceLimits.DEFAULT).read();
        assertThat(s.files()).extracting(SourceFile::path).containsExactly("alias.json", "prod/db.yaml", "web.json");
        assertThat(content(s.files().get(0))).isEqualTo(cattle("web", 1));
        assertThat(s.commit()).isNull();
    }

    @Test
    void directorySymlinkOutOfTheTreeIsRefused() throws Exception {
        Path d = tmp.resolve("specs");
        Files.createDirectories(d);
        Files.writeString(tmp.resolve("secret.json"), "{}");
        Files.createSymbolicLink(d.resolve("leak.json"), tmp.resolve("secret.json"));
        Files.createSymbolicLink(d.resolve("up"), tmp);
        assertThatThrownBy(() -> new DirectorySource(d, SourceLimits.DEFAULT).read())
                .isInstanceOf(SyncException.class)
                .hasMessageContaining("leak.json: symlink points out of the tree")
                .hasMessageContaining("up: symlink points out of the tree");
    }

    @Test
    void hugeFileIsRefusedInDirectoriesAndCommits() throws Exception {
        SourceLimits small = new SourceLimits(100, 1000);
        Path d = tmp.resolve("repo");
        try (GitRepo repo = GitRepo.init(d)) {
            repo.write("ok.json", "{}").write("big.json", "[" + " ".repeat(200) + "]");
            repo.commit("big");
            assertThatThrownBy(() -> new DirectorySource(d, small).read())
                    .hasMessage("big.json: file is 202 bytes, over the limit of 100 (--max-file-size)");
            assertThatThrownBy(() -> GitSource.builder(d.toString()).limits(small).build().read())
                    .hasMessage("big.json: file is 202 bytes, over the limit of 100 (--max-file-size)");
        }
    }

    @Test
    void missingDirectoryIsAClearError() {
        assertThatThrownBy(() -> new DirectorySource(tmp.resolve("nope"), SourceLimits.DEFAULT).read())
                .hasMessageContaining("does not exist");
    }

    @Test
    void localRepositoryIsReadAtHeadBranchTagOrCommitWithoutItsWorkTree() throws Exception {
        try (GitRepo repo = GitRepo.init(tmp.resolve("repo"))) {
            repo.write("specs/web.json", cattle("web", 1)).write("other.json", "{}");
            String first = repo.commit("one");
            repo.tag("v1");
            repo.write("specs/web.json", cattle("web", 2));
            String second = repo.commit("two");
            repo.write("specs/web.json", "uncommitted");

            SourceSnapshot head = GitSource.builder(repo.dir.toString()).path("specs").build().read();
            assertThat(head.commit()).isEqualTo(second);
            assertThat(head.ref()).isEqualTo("HEAD");
            assertThat(head.path()).isEqualTo("specs");
            assertThat(head.files()).extracting(SourceFile::path).containsExactly("specs/web.json");
            assertThat(content(head.files().get(0))).isEqualTo(cattle("web", 2));

            assertThat(GitSource.builder(repo.dir.toString()).ref("main").build().read().commit()).isEqualTo(second);
            SourceSnapshot tagged = GitSource.builder(repo.dir.toString()).ref("v1").path("./specs/").build().read();
            assertThat(tagged.commit()).isEqualTo(first);
            assertThat(content(tagged.files().get(0))).isEqualTo(cattle("web", 1));
            assertThat(GitSource.builder(repo.dir.toString()).ref(first.substring(0, 10)).build().read().commit())
                    .isEqualTo(first);
            assertThat(GitSource.builder(repo.dir.toString()).ref(first).build().read().commit()).isEqualTo(first);
        }
    }

    @Test
    void badRefsAndPathsAreClearErrors() throws Exception {
        try (GitRepo repo = GitRepo.init(tmp.resolve("repo"))) {
            repo.write("specs/web.json", cattle("web", 1));
            repo.commit("one");
            String loc = repo.dir.toString();
            assertThatThrownBy(() -> GitSource.builder(loc).ref("nope").build().read())
                    .hasMessageContaining("ref 'nope' not found");
            assertThatThrownBy(() -> GitSource.builder(loc).ref("0123456789012345678901234567890123456789").build()
                    .read()).hasMessageContaining("not found");
            assertThatThrownBy(() -> GitSource.builder(loc).path("missing").build().read())
                    .hasMessageContaining("path 'missing' not found at commit");
            assertThatThrownBy(() -> GitSource.builder(loc).path("specs/web.json").build().read())
                    .hasMessageContaining("is not a directory");
            assertThatThrownBy(() -> GitSource.builder(loc).path("../x").build())
                    .hasMessageContaining("leaves the repository");
            assertThatThrownBy(() -> GitSource.builder(tmp.toString()).build().read())
                    .hasMessageContaining("is not a git repository");
        }
    }

    @Test
    void gitSymlinksResolveInsideTheTreeAndAreRefusedOutOfIt() throws Exception {
        try (GitRepo repo = GitRepo.init(tmp.resolve("repo"))) {
            repo.write("specs/real/web.json", cattle("web", 1)).write("outside.json", "{}");
            repo.symlink("specs/web-link.json", "real/web.json");
            repo.commit("in tree");
            SourceSnapshot ok = GitSource.builder(repo.dir.toString()).path("specs").build().read();
            assertThat(ok.files()).extracting(SourceFile::path)
                    .containsExactly("specs/real/web.json", "specs/web-link.json");
            assertThat(content(ok.files().get(1))).isEqualTo(cattle("web", 1));

            repo.symlink("specs/escape.json", "../outside.json");
            repo.symlink("specs/abs.json", "/etc/passwd");
            repo.commit("out of tree");
            assertThatThrownBy(() -> GitSource.builder(repo.dir.toString()).path("specs").build().read())
                    .isInstanceOf(SyncException.class)
                    .hasMessageContaining("specs/escape.json: symlink points out of the tree (to ../outside.json)")
                    .hasMessageContaining("specs/abs.json: symlink points out of the tree (to /etc/passwd)");
        }
    }

    @Test
    void remoteRepositoryIsMirroredAndFollowsTheBranch() throws Exception {
        try (GitRepo repo = GitRepo.init(tmp.resolve("origin"))) {
            repo.write("web.json", cattle("web", 1));
            String first = repo.commit("one");
            Path cache = tmp.resolve("cache");
            GitSource source = GitSource.builder(repo.url()).cacheDir(cache).timeout(Duration.ofSeconds(10)).build();
            assertThat(source.location()).isEqualTo(repo.url());
            assertThat(source.read().commit()).isEqualTo(first);
            assertThat(Files.isDirectory(cache.resolve("mirror.git/objects"))).isTrue();

            repo.write("web.json", cattle("web", 2));
            String second = repo.commit("two");
            SourceSnapshot s = source.read();
            assertThat(s.commit()).isEqualTo(second);
            assertThat(content(s.files().get(0))).isEqualTo(cattle("web", 2));

            repo.branch("release");
            repo.checkout("release");
            repo.write("web.json", cattle("web", 3));
            String third = repo.commit("three");
            SourceSnapshot release = GitSource.builder(repo.url()).cacheDir(cache).ref("release").build().read();
            assertThat(release.commit()).isEqualTo(third);
            assertThat(GitSource.builder(repo.url()).cacheDir(cache).ref("main").build().read().commit())
                    .isEqualTo(second);
        }
    }

    @Test
    void theMirrorIsPrivateWhateverTheDirectoryWas() throws Exception {
        try (GitRepo repo = GitRepo.init(tmp.resolve("origin"))) {
            repo.write("web.json", cattle("web", 1));
            repo.commit("one");
            Path open = Files.createDirectories(tmp.resolve("open"));
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path made = tmp.resolve("made/by/sync");
            for (Path cache : List.of(open, made)) {
                GitSource.builder(repo.url()).cacheDir(cache).timeout(Duration.ofSeconds(10)).build().read();
                assertThat(Files.getPosixFilePermissions(cache)).isEqualTo(PrivateFiles.DIRECTORY);
                assertThat(Files.getPosixFilePermissions(cache.resolve("infrakit-sync.lock")))
                        .isEqualTo(PrivateFiles.FILE);
            }
            assertThat(Files.getPosixFilePermissions(tmp.resolve("made"))).isEqualTo(PrivateFiles.DIRECTORY);
        }
    }

    @Test
    void unreachableRepositoryIsAClearError() throws Exception {
        GitSource missing = GitSource.builder(tmp.resolve("nowhere").toUri().toString())
                .cacheDir(tmp.resolve("cache")).build();
        assertThatThrownBy(missing::read).isInstanceOf(SyncException.class).hasMessageContaining("cannot fetch");
        GitSource refused = GitSource.builder("http://127.0.0.1:1/infra.git").cacheDir(tmp.resolve("cache2"))
                .timeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(refused::read).isInstanceOf(SyncException.class)
                .hasMessageContaining("cannot fetch http://127.0.0.1:1/infra.git");
        assertThatThrownBy(() -> GitSource.builder("git@github.com:org/infra.git").cacheDir(tmp).build())
                .hasMessageContaining("ssh repositories are not supported");
    }

    @Test
    void passwordsInUrlsAreNotShown() throws Exception {
        GitSource s = GitSource.builder("https://user:s3cret@example.com/infra.git").cacheDir(tmp).build();
        assertThat(s.location()).doesNotContain("s3cret").contains("user@example.com/infra.git");
    }

    @Test
    void defaultNamesComeFromTheLocationAndPath() {
        assertThat(SyncOptions.defaultName("https://host/org/infra.git", "prod/eu")).isEqualTo("infra-prod-eu");
        assertThat(SyncOptions.defaultName("/srv/specs/", null)).isEqualTo("specs");
        assertThat(SyncOptions.defaultName("git@host:org/x y.git", "")).isEqualTo("x-y");
    }
}
