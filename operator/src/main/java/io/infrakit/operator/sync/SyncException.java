package io.infrakit.operator.sync;

import java.util.List;
import java.util.stream.Collectors;

/** A sync that stopped before writing anything, with every problem found. */
public class SyncException extends Exception {

    private final transient List<SyncProblem> problems;

    public SyncException(List<SyncProblem> problems) {
        super(problems.stream().map(SyncProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public SyncException(String message) {
        this(List.of(SyncProblem.of(message)));
    }

    public SyncException(String message, Throwable cause) {
        this(List.of(SyncProblem.of(message)));
        initCause(cause);
    }

    public List<SyncProblem> problems() {
        return problems;
    }
}
