package io.infrakit.operator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.infrakit.operator.Keys;
import io.infrakit.operator.events.Event;
import io.infrakit.operator.events.EventKind;
import io.infrakit.operator.events.EventStore;
import io.infrakit.operator.group.GroupStatus;
import io.infrakit.operator.group.UpdateState;
import io.infrakit.store.KeyValue;
import io.infrakit.store.etcd.EtcdStore;
import io.infrakit.store.testing.EtcdCluster;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (headless Chromium through Selenium), served by the standby of two real
 * {@code infrakit up} replicas on a real etcd: groups appear and converge on screen as etcd changes (the time from
 * a put to the change in the page is measured and printed), a rolling update started from the page's editor is
 * paused and resumed from the page, a bad spec's error shows, and actions without the token, or from another site,
 * are refused. With {@code -Ddashboard.screenshots=DIR} the screenshots go to DIR (the docs' images), else to
 * target/.
 */
@Timeout(300)
class DashboardBrowserIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.single();
    private static final String TOKEN = "alice-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Records, in the page's own clock, when a group's row first shows and when it first shows converged. */
    private static final String OBSERVE = """
            const id = arguments[0];
            window.seen = window.seen || {};
            const mark = () => {
              const row = document.querySelector('#groups tr[data-group="' + id + '"]');
              const s = window.seen[id] = window.seen[id] || {};
              if (row && !s.row) s.row = Date.now();
              if (row && row.dataset.state === 'converged' && !s.converged) s.converged = Date.now();
            };
            new MutationObserver(mark).observe(document.getElementById('main'),
                {childList: true, subtree: true, attributes: true});
            """;

    /** Records, in the page's own clock, when each entry of the timeline first shows. */
    private static final String OBSERVE_TIMELINE = """
            window.seenSeq = window.seenSeq || {};
            const mark = () => document.querySelectorAll('#timeline li').forEach((li) => {
              if (!window.seenSeq[li.dataset.seq]) window.seenSeq[li.dataset.seq] = Date.now();
            });
            mark();
            new MutationObserver(mark).observe(document.getElementById('main'), {childList: true, subtree: true});
            """;

    @TempDir
    Path dir;

    static String spec(String id, int size, String note, String updating) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"" + note + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo " + note + "\"],"
                + "\"Tags\":{\"tier\":\"web\"}}}" + (updating == null ? "" : ",\"Updating\":" + updating) + "}}";
    }

    @Test
    @SuppressWarnings("try") // the leader is held open for the block, not used by name
    void aStandbysDashboardFollowsEtcdLiveAndActsThroughTheWritePath() throws Exception {
        Keys keys = new Keys(EtcdCluster.uniquePrefix("dashboard"));
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "alice:" + TOKEN + "\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        String etcd = ETCD.endpoints().get(0);
        Path shots = Path.of(System.getProperty("dashboard.screenshots", "target/dashboard-screenshots"));
        try (UpProcess leader = UpProcess.start(etcd, keys.prefix(), "replica-1", dir, "--dashboard-token-file",
                tokens.toString());
             UpProcess standby = UpProcess.start(etcd, keys.prefix(), "replica-2", dir, "--dashboard-token-file",
                     tokens.toString());
             EtcdStore store = ETCD.newStore();
             Browser browser = Browser.start()) {
            browser.open(standby.dashboard());
            browser.await(WAIT, "the replicas, leader first, with their leases", d ->
                    browser.present("tr[data-replica='replica-1'][data-role='leader']")
                            && browser.present("tr[data-replica='replica-2'][data-role='standby']")
                            && browser.find("#replicas").getText().contains("s of 3s"));
            assertThat(browser.find("#served-by").getText()).isEqualTo("served by replica-2 (standby)");
            assertThat(browser.find("#live").getText()).isEqualTo("live");

            // Live: each put shows in the page without a reload. Probes of size 0 show the watch → page path
            // alone; "web" also the operator's reconcile and status write.
            store.get(keys.group("web")); // the test's own client connects before anything is timed
            List<Long> latencies = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                latencies.add(putAndSee(browser, store, keys, "probe-" + i, spec("probe-" + i, 0, "p", null), false));
            }
            long converged = putAndSee(browser, store, keys, "web", spec("web", 3, "v1", null), true);
            List<Long> sorted = latencies.stream().sorted().toList();
            System.out.printf("etcd put → row on screen (standby's dashboard, 5 puts): %s ms (median %d, max %d);"
                    + " put → 'converged' on screen (3 instances provisioned by the leader): %d ms%n", latencies,
                    sorted.get(2), sorted.get(4), converged);
            assertThat(sorted.get(2)).as("median put → screen, ms").isLessThan(1000);
            for (int i = 1; i <= 5; i++) {
                store.delete(keys.group("probe-" + i));
            }
            browser.await(WAIT, "the probes gone", d -> !browser.present("#groups tr[data-group^='probe-']"));
            browser.await(WAIT, "web converged with 3", d -> browser.find("#groups tr[data-group='web'] td.instances")
                    .getText().startsWith("3/3"));
            browser.fitHeight(560, 900);
            browser.screenshot(shots.resolve("dashboard-groups.png"));

            // No token: the page offers no action, and the API refuses one.
            browser.open(standby.dashboard() + "#/groups/web");
            browser.await(WAIT, "the group page", d -> browser.present("#g-summary dd[data-fact='State']")
                    && browser.present("#instances tbody tr"));
            assertThat(browser.find("button[data-action='pause']").isEnabled()).isFalse();
            assertThat(fetch(browser, "api/groups/web/pause", null)).isEqualTo(401);
            assertThat(fetch(browser, "api/groups/web/pause", "not-the-token-123456")).isEqualTo(401);
            // Nor from a page of another site (same host, other port: same-site, not same-origin), token or not.
            crossSite(browser, standby);
            assertThat(store.get(keys.pause("web"))).as("no refused action wrote anything").isEmpty();

            // Unlock with the token, as a person does (the page draws its button once its script has run).
            browser.await(WAIT, "the unlock button", d -> browser.present("#unlock"));
            browser.find("#unlock").click();
            browser.script("document.getElementById('token-input').value = arguments[0];"
                    + "document.getElementById('dialog-ok').click();", TOKEN);
            browser.await(WAIT, "signed in as alice", d -> browser.present("#user")
                    && browser.find("#user").getText().equals("alice"));

            // The write path's spec policy holds for the page too: on a real etcd, the restricted default refuses
            // the process plugin (commands on the operator's host), even to a holder of the token.
            String shell = "{\"ID\":\"shell\",\"Properties\":{\"Allocation\":{\"Size\":1},\"Instance\":{\"Plugin\":"
                    + "\"instance-process\",\"Properties\":{\"Cmd\":\"sleep 100\"}},\"Flavor\":{\"Plugin\":"
                    + "\"flavor-vanilla\",\"Properties\":{}}}}";
            String refused = (String) browser.asyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch('api/commit', {method: 'POST', headers: {'Content-Type': 'application/json',
                        Authorization: 'Bearer ' + arguments[1]}, body: JSON.stringify({Spec: arguments[0]})})
                      .then(async r => done(r.status + ' ' + (await r.json()).Error), e => done('failed ' + e));
                    """, shell, TOKEN);
            assertThat(refused).startsWith("403 ").contains("instance-process");
            assertThat(store.get(keys.group("shell"))).isEmpty();

            // Edit the spec in the page: the preview explains it as the CLI's --pretend does and writes nothing.
            long before = store.get(keys.group("web")).map(KeyValue::modRevision).orElseThrow();
            browser.await(WAIT, "edit enabled", d -> browser.find("button[data-action='edit']").isEnabled());
            browser.script("document.querySelector(\"button[data-action='edit']\").click()");
            String v2 = spec("web", 3, "v2", "{\"MaxParallel\":1,\"HealthyFor\":\"3s\"}");
            browser.script("document.getElementById('spec-editor').value = arguments[0];"
                    + "document.getElementById('preview').click();", v2);
            browser.await(WAIT, "the preview", d -> browser.find("#commit-result").getText()
                    .contains("Committing web would involve: Performing a rolling update on 3 instances"));
            assertThat(browser.find("#commit-result").getText()).contains("~ Properties.Instance.Properties.Note:"
                    + " \"v1\" → \"v2\"");
            assertThat(store.get(keys.group("web")).orElseThrow().modRevision()).isEqualTo(before);

            // Commit: the rolling update starts; pause it from the page while it rolls.
            browser.script("document.getElementById('commit').click()");
            browser.await(WAIT, "the update rolling", d -> browser.present("#g-progress")
                    && browser.find("#g-progress").getText().contains("rolling"));
            browser.fitHeight(800, 1300);
            browser.screenshot(shots.resolve("dashboard-group-update.png"));
            browser.script("document.querySelector(\"button[data-action='pause']\").click()");
            browser.await(WAIT, "the update paused on screen", d -> browser.present("#g-progress")
                    && browser.find("#g-progress").getText().contains("paused"));
            assertThat(store.get(keys.pause("web")).orElseThrow().value()).contains("\"By\":\"user\"");
            GroupStatus paused = status(store, keys, "web").orElseThrow();
            assertThat(paused.update().state()).isEqualTo(UpdateState.PAUSED);
            assertThat(paused.update().done()).isLessThan(3);
            Thread.sleep(4000); // longer than HealthyFor: a running update would have started its next batch
            assertThat(status(store, keys, "web").orElseThrow().update().done()).as("paused: no progress")
                    .isEqualTo(paused.update().done());

            browser.script("document.querySelector(\"button[data-action='resume']\").click()");
            browser.await(Duration.ofSeconds(60), "converged at v2 on screen", d ->
                    browser.find("#g-title").getText().contains("converged")
                            && browser.find("#g-instances").getText().contains("3 instances")
                            && !browser.present("#instances tr[data-out-of-date='true']")
                            && browser.findAll("#instances tbody tr").size() == 3);
            assertThat(store.get(keys.pause("web"))).isEmpty();
            assertThat(browser.find("#history tbody").getText()).contains("current");

            // The timeline, from the events log, as it grew on this page: the update's destroys and provisions,
            // the pause and resume by alice, the state transitions.
            browser.await(WAIT, "the update's events in the timeline", d -> browser.present(
                    "#timeline li[data-kind='provision']") && browser.present("#timeline li[data-kind='destroy']")
                    && browser.present("#timeline li[data-kind='pause']")
                    && browser.present("#timeline li[data-kind='resume']")
                    && browser.present("#timeline li[data-kind='state']")
                    && browser.present("#timeline li[data-kind='commit']"));
            assertThat(browser.find("#timeline li[data-kind='pause']").getText()).contains("rolling update paused",
                    "by dashboard alice");
            assertThat(browser.find("#timeline li[data-kind='commit']").getText()).contains("by dashboard alice");
            List<Long> eventLatencies = new ArrayList<>();
            EventStore log = new EventStore(store, keys);
            for (int i = 1; i <= 5; i++) {
                eventLatencies.add(appendAndSee(browser, log, "web", "probe event " + i));
            }
            List<Long> sortedEvents = eventLatencies.stream().sorted().toList();
            System.out.printf("events log put → timeline on screen (standby's dashboard, 5 events): %s ms (median %d,"
                    + " max %d)%n", eventLatencies, sortedEvents.get(2), sortedEvents.get(4));
            assertThat(sortedEvents.get(2)).as("median event put → screen, ms").isLessThan(1000);
            browser.await(WAIT, "the diff of the previous spec and the current one", d ->
                    browser.present("#g-diff li[data-op='change']")
                            && browser.find("#g-diff").getText().contains("Properties.Instance.Properties.Note"));

            // A bad spec put with etcdctl: its error shows, its instances stay.
            store.put(keys.group("web"), spec("web", 3, "v2", null).replace("instance-file", "instance-nowhere"));
            browser.await(WAIT, "the error on the group's page", d -> browser.present("#g-error-text")
                    && browser.find("#g-error-text").getText().contains("instance-nowhere"));
            browser.await(WAIT, "the error in the timeline", d -> browser.present("#timeline li[data-kind='error']")
                    && browser.find("#timeline li[data-kind='error']").getText().contains("instance-nowhere"));
            browser.fitHeight(800, 2000); // down to the timeline
            browser.screenshot(shots.resolve("dashboard-group-error.png"));
            browser.open(standby.dashboard());
            browser.await(WAIT, "the error in the list", d -> browser.present("#groups tr[data-group='web'] td.error")
                    && browser.find("#groups tr[data-group='web'] td.error").getText().contains("instance-nowhere"));
            assertThat(Files.list(dir.resolve("files")).filter(p -> p.getFileName().toString()
                    .startsWith("instance-")).count()).as("instances left alone").isEqualTo(3);

            // Locked again; the URL dev mode prints (the token after #token=) signs in and drops the token from the
            // address bar.
            browser.script("document.getElementById('lock').click()");
            browser.await(WAIT, "locked", d -> browser.present("#unlock"));
            browser.open(standby.dashboard() + "#token=" + TOKEN);
            browser.await(WAIT, "signed in from the URL", d -> browser.present("#user")
                    && browser.find("#user").getText().equals("alice"));
            assertThat(browser.driver().getCurrentUrl()).endsWith("/dashboard/#/").doesNotContain(TOKEN);

            String logs = standby.log();
            assertThat(logs).contains("dashboard: alice from 127.0.0.1 asked to pause web: Paused the rolling update"
                    + " of web", "dashboard user 'alice' paused the update of web",
                    "dashboard: alice from 127.0.0.1 asked to resume web");
            assertThat(logs).containsPattern("refused POST /api/groups/web/pause from 127\\.0\\.0\\.1: cross-site");
        }
    }

    /** Puts a spec and returns how long after the put its row showed (or showed converged). */
    private static long putAndSee(Browser browser, EtcdStore store, Keys keys, String id, String json,
                                  boolean converged) {
        browser.script(OBSERVE, id);
        long put = System.currentTimeMillis();
        store.put(keys.group(id), json);
        String field = converged ? "converged" : "row";
        Number seen = browser.await(WAIT, id + " " + field + " on screen", d -> (Number) browser.script(
                "const s = (window.seen || {})[arguments[0]]; return s ? s[arguments[1]] : null;", id, field));
        return seen.longValue() - put;
    }

    /**
     * Appends an event to the group's log as a CLI does, and returns how long after the write it showed in the open
     * group page's timeline.
     */
    private static long appendAndSee(Browser browser, EventStore log, String id, String message) {
        browser.script(OBSERVE_TIMELINE);
        long put = System.currentTimeMillis();
        long seq = log.append(List.of(Event.of(Instant.now(), id, EventKind.COMMIT, null, "cli probe", message)), null)
                .get(0).seq();
        Number seen = browser.await(WAIT, message + " on screen", d -> (Number) browser.script(
                "return (window.seenSeq || {})[arguments[0]] || null;", String.valueOf(seq)));
        return seen.longValue() - put;
    }

    /** A same-origin POST from the page's own script; returns the status. */
    private static long fetch(Browser browser, String path, String token) {
        return (Long) browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                const headers = {'Content-Type': 'application/json'};
                if (arguments[1]) headers.Authorization = 'Bearer ' + arguments[1];
                fetch(arguments[0], {method: 'POST', headers, body: '{}'}).then(r => done(r.status),
                    e => done(-1));
                """, path, token);
    }

    /**
     * A page served from another origin (a port of its own) posts to the dashboard the ways a page can without
     * CORS's consent: a no-cors fetch and a form. Both must be refused, and neither writes.
     */
    private static void crossSite(Browser browser, UpProcess target) throws Exception {
        String action = target.base() + "/dashboard/api/groups/web/pause";
        String page = "<!doctype html><body><form id=f method=POST enctype=text/plain action='" + action
                + "' target=sink><input name='{\"x\":\"' value='\"}'></form><iframe name=sink></iframe><script>"
                + "fetch('" + action + "',{method:'POST',mode:'no-cors',headers:{'Content-Type':'text/plain'},"
                + "body:'{}'}).then(()=>{document.getElementById('f').submit();window.done=true;},"
                + "()=>{window.done=true;});</script></body>";
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        evil.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        evil.start();
        try {
            browser.open("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
            browser.await(WAIT, "the other site's page posted", d -> Boolean.TRUE.equals(browser.script(
                    "return window.done === true")));
            Thread.sleep(500); // the form's post lands in the frame
        } finally {
            evil.stop(0);
        }
        browser.open(target.dashboard() + "#/groups/web");
    }

    private static Optional<GroupStatus> status(EtcdStore store, Keys keys, String id) {
        return store.get(keys.status(id)).flatMap(kv -> GroupStatus.fromJson(kv.value()));
    }
}
