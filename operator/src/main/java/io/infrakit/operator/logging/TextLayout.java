package io.infrakit.operator.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * The text log line, {@code HH:mm:ss.SSS LEVEL Logger[ group=ID] - message}, then the stack trace if any. Written out
 * in code rather than as a Logback pattern: a pattern layout loads and wires every converter Logback has (about a
 * hundred classes), a noticeable part of a client command's start.
 */
final class TextLayout extends LayoutBase<ILoggingEvent> {

    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        LocalTime time = LocalTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
        digits(line, time.getHour(), 2).append(':');
        digits(line, time.getMinute(), 2).append(':');
        digits(line, time.getSecond(), 2).append('.');
        digits(line, time.getNano() / 1_000_000, 3).append(' ');
        String level = event.getLevel().toString();
        line.append(level).append("     ", 0, Math.max(0, 5 - level.length())).append(' ');
        String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length());
        String group = event.getMDCPropertyMap().get("group");
        if (group != null && !group.isEmpty()) {
            line.append(" group=").append(group);
        }
        line.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
        }
        return line.toString();
    }

    private static StringBuilder digits(StringBuilder line, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            line.append('0');
        }
        return line.append(s);
    }
}
