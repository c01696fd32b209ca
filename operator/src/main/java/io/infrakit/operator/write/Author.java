package io.infrakit.operator.write;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Who asks for a write: the ownership rule and the logs depend on it.
 *
 * @param kind who writes
 * @param name the sync source's name (for {@link Kind#SYNC}), the person's (for {@link Kind#DASHBOARD}); otherwise a
 *             label for the logs
 */
public record Author(Kind kind, String name) {

    public enum Kind {
        /** A person through {@code infrakit group ...}. */
        USER,
        /** InfraKit's Group API on the group socket. */
        GROUP_SOCKET,
        /** A GitOps source ({@code infrakit sync}): may write only the groups it owns or adopts. */
        SYNC,
        /** The leader's controller: a rolling update's failure action. */
        CONTROLLER,
        /** A person through the dashboard; the name is the one their token has in the token file. */
        DASHBOARD
    }

    public static final Author USER = new Author(Kind.USER, "infrakit group");
    public static final Author GROUP_SOCKET = new Author(Kind.GROUP_SOCKET, "the group socket");
    public static final Author CONTROLLER = new Author(Kind.CONTROLLER, "the controller");

    public static Author sync(String source) {
        return new Author(Kind.SYNC, source);
    }

    public static Author dashboard(String user) {
        return new Author(Kind.DASHBOARD, user);
    }

    /** The kind as the spec history and the events log write it: cli, group-socket, sync, controller, dashboard. */
    public String writer() {
        return kind == Kind.USER ? "cli" : kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Who exactly, when known: the user and host of a CLI, the source of a sync, the dashboard's user; else null. */
    public String who() {
        return switch (kind) {
            case USER -> LocalUser.NAME;
            case SYNC, DASHBOARD -> name;
            default -> null;
        };
    }

    /**
     * The events log's actor: {@code cli alice@host}, {@code sync NAME}, {@code dashboard alice},
     * {@code group-socket}, {@code controller}.
     */
    public String actor() {
        String who = who();
        return who == null ? writer() : writer() + " " + who;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SYNC -> "sync source '" + name + "'";
            case DASHBOARD -> "dashboard user '" + name + "'";
            default -> name;
        };
    }

    /** user@host of this process, read once. */
    private static final class LocalUser {
        static final String NAME = System.getProperty("user.name", "unknown") + "@" + host();

        private static String host() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                String env = System.getenv("HOSTNAME");
                return env == null || env.isBlank() ? "localhost" : env;
            }
        }
    }
}
