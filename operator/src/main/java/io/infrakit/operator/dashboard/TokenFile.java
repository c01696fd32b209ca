package io.infrakit.operator.dashboard;

import io.infrakit.plugins.state.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's tokens, one a line: {@code NAME:TOKEN} (the actions of whoever holds it are logged and recorded as
 * NAME's), or a bare {@code TOKEN} (named {@value #DEFAULT_USER}); {@code #} starts a comment. A token has at least
 * {@value #MIN_LENGTH} characters. The file is read again when it changes, so a token is added or revoked without a
 * restart; a file that has become unreadable or invalid keeps the tokens last read, with a warning.
 */
final class TokenFile {

    private static final Logger log = LoggerFactory.getLogger(TokenFile.class);
    static final String DEFAULT_USER = "admin";
    static final int MIN_LENGTH = 16;
    private static final int MAX_BYTES = 64 * 1024;

    private final Path file;
    private volatile Map<String, String> users; // SHA-256 of a token (hex) → user
    private volatile FileTime read;

    private TokenFile(Path file, Map<String, String> users, FileTime read) {
        this.file = file;
        this.users = users;
        this.read = read;
    }

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException when it cannot be read or holds no valid token, saying why
     */
    static TokenFile read(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            warnIfShared(file);
            return new TokenFile(file, parse(file), modified);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the dashboard token file " + file + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * The token file of dev mode ({@code dashboard-token} in InfraKit's home, 0600), made with a random token when
     * missing. Returns the token, for the URL printed to the user who started {@code infrakit up}.
     */
    static String devToken(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            PrivateFiles.createDirectories(file.getParent());
            PrivateFiles.writeAtomically(file, ("# the dashboard's token in dev mode (infrakit up without --etcd)\n"
                    + HexFormat.of().formatHex(random) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (String line : Files.readString(file, StandardCharsets.UTF_8).split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                return l.substring(l.indexOf(':') + 1);
            }
        }
        throw new IOException(file + " holds no token");
    }

    Path path() {
        return file;
    }

    /** The user a token belongs to, or null. Compares digests, so the time taken says nothing of the tokens. */
    String user(String token) {
        reloadIfChanged();
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] given = digest(token).getBytes(StandardCharsets.US_ASCII);
        String found = null;
        for (Map.Entry<String, String> e : users.entrySet()) {
            if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.US_ASCII))) {
                found = e.getValue();
            }
        }
        return found;
    }

    private void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(read)) {
                return;
            }
            synchronized (this) {
                if (!modified.equals(read)) {
                    users = parse(file);
                    read = modified;
                    log.info("dashboard tokens read again from {}: {} user(s)", file, users.size());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("dashboard tokens not read again from {} (keeping the ones read before): {}", file,
                    e.getMessage());
        }
    }

    private static Map<String, String> parse(Path file) throws IOException {
        byte[] bytes = PrivateFiles.readBounded(file, MAX_BYTES);
        Map<String, String> users = new LinkedHashMap<>();
        int n = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int colon = l.indexOf(':');
            String user = colon < 0 ? DEFAULT_USER : l.substring(0, colon).strip();
            String token = colon < 0 ? l : l.substring(colon + 1).strip();
            if (user.isEmpty() || !user.matches("[A-Za-z0-9._@-]{1,64}")) {
                throw new IllegalArgumentException(file + " line " + n + ": a user name is letters, digits and . _ @"
                        + " - (at most 64)");
            }
            if (token.length() < MIN_LENGTH || token.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(file + " line " + n + ": a token has at least " + MIN_LENGTH
                        + " characters and no spaces (try: openssl rand -hex 24)");
            }
            if (users.put(digest(token), user) != null) {
                throw new IllegalArgumentException(file + " line " + n + ": the same token is given twice");
            }
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no token");
        }
        return Map.copyOf(users);
    }

    private static void warnIfShared(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("the dashboard token file {} can be read by other users: chmod 600 it", file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to say
        }
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }
}
