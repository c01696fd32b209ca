package io.infrakit.operator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

    @TempDir
    Path dir;

    private Path file(String content) throws Exception {
        Path f = dir.resolve("tokens");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void namesTheHolderOfEachTokenAndNobodyElse() throws Exception {
        TokenFile t = TokenFile.read(file("# comment\n\nalice:aaaaaaaaaaaaaaaa1\n  bbbbbbbbbbbbbbbb2  \n"));
        assertThat(t.user("aaaaaaaaaaaaaaaa1")).isEqualTo("alice");
        assertThat(t.user("bbbbbbbbbbbbbbbb2")).isEqualTo(TokenFile.DEFAULT_USER);
        assertThat(t.user("aaaaaaaaaaaaaaaa")).isNull();
        assertThat(t.user("alice:aaaaaaaaaaaaaaaa1")).isNull();
        assertThat(t.user("")).isNull();
        assertThat(t.user(null)).isNull();
    }

    @Test
    void refusesShortTokensDuplicatesBadNamesAndEmptyFiles() throws Exception {
        assertThatThrownBy(() -> TokenFile.read(file("alice:short\n"))).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> TokenFile.read(file("a:aaaaaaaaaaaaaaaa1\nb:aaaaaaaaaaaaaaaa1\n")))
                .hasMessageContaining("line 2: the same token is given twice");
        assertThatThrownBy(() -> TokenFile.read(file("al ice:aaaaaaaaaaaaaaaa1\n"))).hasMessageContaining("user name");
        assertThatThrownBy(() -> TokenFile.read(file("# nothing\n"))).hasMessageContaining("holds no token");
        assertThatThrownBy(() -> TokenFile.read(dir.resolve("missing"))).hasMessageContaining("cannot read");
    }

    @Test
    void readsTheFileAgainWhenItChangesAndKeepsTheLastGoodTokensWhenItBreaks() throws Exception {
        Path f = file("alice:aaaaaaaaaaaaaaaa1\n");
        TokenFile t = TokenFile.read(f);
        Files.writeString(f, "bob:bbbbbbbbbbbbbbbb2\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(t.user("aaaaaaaaaaaaaaaa1")).as("revoked").isNull();
        assertThat(t.user("bbbbbbbbbbbbbbbb2")).isEqualTo("bob");
        Files.writeString(f, "bob:short\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 10000));
        assertThat(t.user("bbbbbbbbbbbbbbbb2")).isEqualTo("bob");
    }

    @Test
    void devModeMakesAPrivateTokenOnceAndKeepsIt() throws Exception {
        Path f = dir.resolve("home/dashboard-token");
        String token = TokenFile.devToken(f);
        assertThat(token).hasSize(48).matches("[0-9a-f]+");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(TokenFile.devToken(f)).isEqualTo(token);
        assertThat(TokenFile.read(f).user(token)).isEqualTo(TokenFile.DEFAULT_USER);
    }

    @Test
    void loopbackNamesAreKnownWithoutAskingDns() {
        assertThat(AccessControl.isLoopbackName("localhost")).isTrue();
        assertThat(AccessControl.isLoopbackName("app.localhost")).isTrue();
        assertThat(AccessControl.isLoopbackName("127.0.0.1")).isTrue();
        assertThat(AccessControl.isLoopbackName("127.1.2.3")).isTrue();
        assertThat(AccessControl.isLoopbackName("[::1]")).isTrue();
        assertThat(AccessControl.isLoopbackName("::1")).isTrue();
        assertThat(AccessControl.isLoopbackName("10.0.0.1")).isFalse();
        assertThat(AccessControl.isLoopbackName("evil.example")).isFalse();
        assertThat(AccessControl.isLoopbackName("deadbeef")).isFalse();
        assertThat(AccessControl.isLoopbackName("")).isFalse();
    }
}
