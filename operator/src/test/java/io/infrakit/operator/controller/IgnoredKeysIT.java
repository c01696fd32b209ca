package io.infrakit.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.infrakit.operator.groupsocket.CliProcess;
import io.infrakit.store.testing.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Keys under the groups prefix that name no group (a slash in the ID, an empty ID) are ignored, and the operator
 * says so: one log line per key (not one per change or resync), and a note from {@code group ls}.
 */
class IgnoredKeysIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    @Test
    void ignoredKeysAreSaidOnceInTheLogAndByGroupLs() throws Exception {
        Logger cacheLog = (Logger) LoggerFactory.getLogger(SpecCache.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        cacheLog.addAppender(lines);
        try (OperatorFixture op = new OperatorFixture(ETCD, "ignored", dir, Duration.ofMillis(300))) {
            op.store.put(op.keys.groups() + "team/web", OperatorFixture.cattle("web", 1, "x"));
            op.store.put(op.keys.groups(), OperatorFixture.cattle("x", 1, "x"));
            op.put("ok", OperatorFixture.cattle("ok", 1, "x"));
            op.start();
            op.awaitConverged("ok", 1);
            op.store.put(op.keys.groups() + "team/web", OperatorFixture.cattle("web", 2, "x")); // changed: same key
            Thread.sleep(1500); // several resyncs

            List<String> said = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.startsWith("ignoring key")).toList();
            assertThat(said).containsExactlyInAnyOrder(
                    "ignoring key " + op.keys.groups() + "team/web: 'team/web' has a slash, and a group ID is one key"
                            + " segment",
                    "ignoring key " + op.keys.groups() + ": the group ID is empty");
            assertThat(op.instances("web")).isEmpty();
            assertThat(op.status("team/web")).isEmpty();

            CliProcess.Result ls = CliProcess.run(dir.resolve("ls.log"), Map.of("INFRAKIT_HOME",
                    dir.resolve("home").toString()), "group", "ls", "--etcd", String.join(",", ETCD.endpoints()),
                    "--prefix", op.keys.prefix());
            assertThat(ls.exitCode()).isZero();
            assertThat(ls.output()).containsPattern("ok +1 +1 +converged")
                    .contains("note: key " + op.keys.groups() + "team/web is ignored: 'team/web' has a slash, and a"
                            + " group ID is one key segment")
                    .contains("note: key " + op.keys.groups() + " is ignored: the group ID is empty");
        } finally {
            cacheLog.detachAppender(lines);
        }
    }
}
