package io.infrakit.plugins.json;

/**
 * Text that is not one well-formed JSON document. Carries where the parser gave up (1-based line and column, or -1
 * when unknown) so that a user can find the mistake in a file they wrote.
 */
public class JsonFormatException extends IllegalArgumentException {

    private final String problem;
    private final int line;
    private final int column;

    public JsonFormatException(String problem, int line, int column, Throwable cause) {
        super(line > 0 ? problem + " at line " + line + ", column " + column : problem, cause);
        this.problem = problem;
        this.line = line;
        this.column = column;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
