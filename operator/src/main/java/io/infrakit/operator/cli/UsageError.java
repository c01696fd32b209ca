package io.infrakit.operator.cli;

/**
 * The options given do not make sense (a malformed URL, options that do not go together, a file an option names
 * that cannot be read): one line and a hint on stderr, exit code 2, as any usage error.
 */
final class UsageError extends RuntimeException {

    UsageError(String message, Throwable cause) {
        super(message, cause);
    }
}
