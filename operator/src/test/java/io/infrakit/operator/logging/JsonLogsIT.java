package io.infrakit.operator.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.operator.Keys;
import io.infrakit.operator.metrics.MeteredOperator;
import io.infrakit.plugins.PluginRegistry;
import io.infrakit.store.testing.EtcdCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** With --log-format json, stderr carries one JSON object per line, and the lines of a reconcile name the group. */
class JsonLogsIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();

    @TempDir
    Path dir;

    @Test
    void reconcileLinesAreJsonWithTheGroup() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        Keys keys = new Keys(EtcdCluster.uniquePrefix("json-logs"));
        AutoCloseable json = LogFormat.JSON.apply();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (MeteredOperator op = new MeteredOperator(ETCD.newStore(), keys, PluginRegistry.builtins(dir),
                    "json").start()) {
                op.store.put(keys.group("web"), "{\"ID\":\"web\",\"Properties\":{\"Allocation\":{\"Size\":2},"
                        + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{}},"
                        + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{}}}}");
                // Wait for the log lines, not the files: a file exists just before its line is written.
                await("two provisions logged").atMost(Duration.ofSeconds(15)).until(() -> captured
                        .toString(StandardCharsets.UTF_8).split("\"provisioned ", -1).length == 3);
            }
        } finally {
            System.setErr(err);
            json.close();
        }

        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> reconcileLines = new ArrayList<>();
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(text).isNotBlank();
        for (String line : text.split("\n")) {
            JsonNode n = mapper.readTree(line); // every line is one JSON object
            assertThat(n.path("level").asText()).as(line).isNotEmpty();
            assertThat(n.path("timestamp").asLong()).as(line).isPositive();
            String logger = n.path("loggerName").asText();
            if (logger.endsWith(".GroupReconciler") || logger.endsWith(".PlanExecutor")) {
                reconcileLines.add(n);
            }
        }
        assertThat(reconcileLines).as(text).hasSizeGreaterThanOrEqualTo(3); // the plan, two provisions
        for (JsonNode n : reconcileLines) {
            assertThat(n.path("mdc").path("group").asText()).as(n.toString()).isEqualTo("web");
        }
        assertThat(reconcileLines).anySatisfy(n ->
                assertThat(n.path("formattedMessage").asText()).contains("2 to create"));
    }

    @Test
    void parsesTheFlag() {
        assertThat(LogFormat.parse("json")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.parse(" Text ")).isEqualTo(LogFormat.TEXT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogFormat.parse("xml"))
                .hasMessageContaining("text or json");
    }
}
