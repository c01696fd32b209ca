package io.infrakit.operator.testing;

import io.infrakit.operator.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code infrakit ARGS...} run in this JVM, its standard output and error captured. Only what the command's thread,
 * and threads started from it, print is captured: an operator running in the same test JVM keeps logging to the
 * real streams meanwhile, and its lines must not end up in the command's output.
 */
public final class InProcessCli {

    private static final InheritableThreadLocal<Boolean> COMMAND = new InheritableThreadLocal<>();

    private InProcessCli() {
    }

    /** An exit code and what was printed. */
    public record Run(int exitCode, String out, String err) {
    }

    public static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(routed(o, out));
            System.setErr(routed(e, err));
            COMMAND.set(true);
            int rc = Main.run(args);
            return new Run(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            COMMAND.remove();
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Writes of the command's threads to {@code captured}, every other thread's to {@code elsewhere}. */
    private static PrintStream routed(ByteArrayOutputStream captured, PrintStream elsewhere) {
        OutputStream split = new OutputStream() {
            private OutputStream target() {
                return Boolean.TRUE.equals(COMMAND.get()) ? captured : elsewhere;
            }

            @Override
            public void write(int b) throws IOException {
                target().write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                target().write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                target().flush();
            }
        };
        return new PrintStream(split, true, StandardCharsets.UTF_8);
    }
}
