package io.infrakit.operator.write;

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

    @Override
    public String toString() {
        return switch (kind) {
            case SYNC -> "sync source '" + name + "'";
            case DASHBOARD -> "dashboard user '" + name + "'";
            default -> name;
        };
    }
}
