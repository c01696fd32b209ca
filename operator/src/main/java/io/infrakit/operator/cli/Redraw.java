package io.infrakit.operator.cli;

import java.time.Duration;

/**
 * {@code -w/--watch}: draws once, then again each time the watched keys change, until interrupted (Ctrl-C). On a
 * terminal each drawing replaces the last; otherwise (a pipe, a file) each is printed after the last, so a reader
 * sees every state once.
 */
final class Redraw {

    /** Changes within this time after the first are drawn together. */
    private static final Duration SETTLE = Duration.ofMillis(50);
    private static final Duration FOREVER = Duration.ofDays(365);

    private Redraw() {
    }

    /** A drawing of the current state; it reads what it shows. Returns the exit code it would end with. */
    interface Drawing {
        int draw() throws Exception;
    }

    static int loop(KeyWatch watch, boolean json, Drawing drawing) throws Exception {
        boolean terminal = System.console() != null && !json;
        try (watch) {
            while (watch.awaitChange(FOREVER, SETTLE)) {
                if (terminal) {
                    System.out.print("\033[H\033[2J");
                }
                try {
                    drawing.draw();
                } catch (RuntimeException e) {
                    System.err.println("error: " + Main.message(e));
                }
                if (!terminal && !json) {
                    System.out.println();
                }
                System.out.flush();
            }
        }
        return 0;
    }
}
