package io.infrakit.operator.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How log lines look on stderr: {@code text} ({@link LogSetup}'s human lines) or {@code json} (one JSON object per line,
 * Logback's own {@link JsonEncoder}: level, logger, thread, formatted message, epoch-millis timestamp, the MDC with
 * the {@code group} of a reconcile, and the exception).
 */
public enum LogFormat {
    TEXT,
    JSON;

    /** {@code text} or {@code json}, any case. */
    public static LogFormat parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("log format must be text or json, not '" + value + "'", e);
        }
    }

    /**
     * Makes the root logger write this format to stderr, in place of its configured appenders. {@link #TEXT} keeps
     * the configuration as it is. Closing the result restores the previous appenders (tests).
     */
    public AutoCloseable apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> { };
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> previous = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            previous.add(it.next());
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // What a log shipper needs; the rest (sequence numbers, unformatted arguments, context) is noise.
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithFormattedMessage(true);
        encoder.setWithArguments(false);
        encoder.start();
        ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
        json.setContext(context);
        json.setName("STDERR-JSON");
        json.setTarget("System.err");
        json.setEncoder(encoder);
        json.start();
        root.addAppender(json);
        previous.forEach(a -> root.detachAppender(a));
        return () -> {
            previous.forEach(root::addAppender);
            root.detachAppender(json);
            json.stop();
        };
    }
}
