package io.infrakit.operator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;

/**
 * Logback's configuration, in code: human lines on stderr ({@link TextLayout}; stdout stays for command output), the
 * libraries' chatter at WARN, the level from {@code INFRAKIT_LOG_LEVEL} (default INFO). In code rather than a logback.xml because
 * parsing XML costs every command a noticeable part of its start; a logback.xml on the class path (or
 * {@code -Dlogback.configurationFile}) still wins.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    private static final List<String> QUIET = List.of("io.grpc", "io.netty", "io.vertx", "io.etcd",
            "org.eclipse.jetty"); // Jetty announces every server start and stop at INFO

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = LogSetup.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        TextLayout layout = new TextLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        QUIET.forEach(name -> context.getLogger(name).setLevel(Level.WARN));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        String level = System.getenv("INFRAKIT_LOG_LEVEL");
        root.setLevel(Level.toLevel(level == null ? null : level.strip(), Level.INFO));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
