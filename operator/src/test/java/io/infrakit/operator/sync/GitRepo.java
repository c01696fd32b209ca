package io.infrakit.operator.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/** A real git repository with a work tree, made and committed to with JGit. */
final class GitRepo implements AutoCloseable {

    final Path dir;
    final Git git;

    private GitRepo(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    static GitRepo init(Path dir) throws GitAPIException {
        return new GitRepo(dir, Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call());
    }

    GitRepo write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return this;
    }

    GitRepo delete(String path) throws IOException {
        Files.delete(dir.resolve(path));
        return this;
    }

    GitRepo symlink(String path, String target) throws IOException {
        Path link = dir.resolve(path);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of(target));
        return this;
    }

    /** Stages everything (additions, changes, deletions) and commits; returns the commit id. */
    String commit(String message) throws GitAPIException {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        PersonIdent who = new PersonIdent("Test", "test@example.com");
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).call().name();
    }

    void tag(String name) throws GitAPIException {
        git.tag().setName(name).setAnnotated(true).setMessage(name)
                .setTagger(new PersonIdent("Test", "test@example.com")).call();
    }

    void branch(String name) throws GitAPIException {
        git.branchCreate().setName(name).call();
    }

    void checkout(String name) throws GitAPIException {
        git.checkout().setName(name).call();
    }

    String url() {
        return dir.toUri().toString();
    }

    @Override
    public void close() {
        git.close();
    }

    /** A cattle group spec in InfraKit JSON: file instances, vanilla flavor with one init line. */
    static String cattle(String id, int size) {
        return cattle(id, size, "echo " + id);
    }

    static String cattle(String id, int size, String init) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"" + id + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"" + init + "\"]}}}}";
    }

    /** The same spec in YAML. */
    static String cattleYaml(String id, int size) {
        return "ID: " + id + "\n"
                + "Properties:\n"
                + "  Allocation:\n"
                + "    Size: " + size + "\n"
                + "  Instance:\n"
                + "    Plugin: instance-file\n"
                + "    Properties:\n"
                + "      Note: " + id + "\n"
                + "  Flavor:\n"
                + "    Plugin: flavor-vanilla\n"
                + "    Properties:\n"
                + "      Init:\n"
                + "        - echo " + id + "\n";
    }
}
