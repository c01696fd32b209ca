package io.infrakit.operator.cli;

import picocli.CommandLine.Option;

/** {@code -w/--watch}: keep the output current, fed by an etcd watch. */
final class WatchOption {

    @Option(names = {"-w", "--watch"}, description = "Draw again each time it changes (an etcd watch, not a poll), "
            + "until Ctrl-C; with -o json, one line of JSON per change.")
    boolean watch;
}
