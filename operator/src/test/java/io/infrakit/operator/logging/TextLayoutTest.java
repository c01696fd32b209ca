package io.infrakit.operator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextLayoutTest {

    private final LoggerContext context = new LoggerContext();

    private String line(Level level, Map<String, String> mdc, Throwable thrown) {
        LoggingEvent e = new LoggingEvent("x", context.getLogger("io.infrakit.operator.Controller"), level,
                "reconciling {} groups", thrown, new Object[] {3});
        e.setTimeStamp(Instant.parse("2026-01-02T03:04:05.007Z").toEpochMilli());
        e.setMDCPropertyMap(mdc);
        TextLayout layout = new TextLayout();
        layout.setContext(context);
        layout.start();
        return layout.doLayout(e);
    }

    @Test
    void timeLevelPaddedSimpleLoggerNameMessage() {
        LocalTime t = LocalTime.ofInstant(Instant.parse("2026-01-02T03:04:05.007Z"), ZoneId.systemDefault());
        String time = String.format("%02d:%02d:05.007", t.getHour(), t.getMinute());
        assertThat(line(Level.INFO, Map.of(), null))
                .isEqualTo(time + " INFO  Controller - reconciling 3 groups" + System.lineSeparator());
        assertThat(line(Level.ERROR, Map.of(), null)).contains(" ERROR Controller - ");
    }

    @Test
    void groupFromTheMdcWhenSet() {
        assertThat(line(Level.WARN, Map.of("group", "web"), null)).contains(" WARN  Controller group=web - reconciling");
        assertThat(line(Level.WARN, Map.of("group", ""), null)).contains(" WARN  Controller - reconciling");
    }

    @Test
    void stackTraceAfterTheLine() {
        String s = line(Level.ERROR, Map.of(), new IllegalStateException("boom"));
        assertThat(s.lines()).element(1).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(s).contains("\tat io.infrakit.operator.logging.TextLayoutTest").endsWith(System.lineSeparator());
    }
}
