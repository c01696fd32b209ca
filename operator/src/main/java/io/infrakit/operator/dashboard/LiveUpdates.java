package io.infrakit.operator.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.infrakit.operator.events.Event;
import io.infrakit.plugins.json.Json;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the browsers' event streams from the {@link ClusterView}: each change of a group's keys becomes a
 * {@code rows} message with that group's new row (changes that arrive while one is being sent go out together in
 * the next), and a {@code group} message for the streams showing that group's page; each new entry of the events
 * log is an {@code event} message for the streams showing its group's page. A stream starts with a
 * {@code snapshot} of everything (with the group's recent events, for a group's page). The replicas (and their
 * leases' remaining time) are read every second while a stream is open, and sent when they changed; every stream
 * gets a comment line every {@link #HEARTBEAT} (by default), well within the server's idle timeout, so a quiet
 * stream is not closed as idle.
 *
 * <p>All sends happen on one thread, in order: a snapshot is made there too, so no stream sees an older row after
 * a newer one.
 */
final class LiveUpdates implements ClusterView.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);
    /** How often an idle stream carries a comment line. */
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    /** How often the replicas' leases are read while someone watches. */
    static final Duration LEASES = Duration.ofSeconds(1);

    private final ClusterView view;
    private final GroupDocuments groups;
    private final ReplicaDocuments replicas;
    private final Supplier<ObjectNode> access;
    private final ScheduledExecutorService sender;
    private final ScheduledExecutorService leases;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final AtomicBoolean replicasChanged = new AtomicBoolean(true);
    private volatile String lastReplicas; // compact JSON, touched on the sender's thread
    private volatile ObjectNode replicaDocument;

    /**
     * @param access    what the page may do (read-only, actions with a token), for the snapshot
     * @param heartbeat how often every stream carries a comment line
     */
    LiveUpdates(ClusterView view, GroupDocuments groups, ReplicaDocuments replicas, Supplier<ObjectNode> access,
                Duration heartbeat) {
        this.view = view;
        this.groups = groups;
        this.replicas = replicas;
        this.access = access;
        this.sender = Executors.newSingleThreadScheduledExecutor(
                new ThreadFactoryBuilder().setNameFormat("infrakit-dashboard").setDaemon(true).build());
        this.leases = Executors.newSingleThreadScheduledExecutor(
                new ThreadFactoryBuilder().setNameFormat("infrakit-dashboard-leases").setDaemon(true).build());
        view.addListener(this);
        sender.scheduleWithFixedDelay(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(),
                TimeUnit.MILLISECONDS);
        leases.scheduleWithFixedDelay(this::readReplicas, 0, LEASES.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts a stream: its snapshot first, then every change. */
    void open(EventStream stream) {
        sender.execute(() -> {
            if (stream.isClosed()) {
                return;
            }
            streams.add(stream);
            stream.send("snapshot", Json.write(snapshot(stream.group())));
        });
    }

    void closed(EventStream stream) {
        streams.remove(stream);
    }

    int streams() {
        return streams.size();
    }

    /** Everything a page needs to draw itself: what {@code /api/overview} answers and a stream starts with. */
    ObjectNode snapshot(String group) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("Revision", view.revision()).put("Synced", view.synced());
        out.set("Connection", connectionDocument(view.problem()));
        out.set("Access", access.get());
        out.set("States", GroupDocuments.states());
        ArrayNode rows = out.putArray("Groups");
        for (String id : view.groupIds()) {
            ObjectNode row = groups.row(id);
            if (row != null) {
                rows.add(row);
            }
        }
        ObjectNode r = replicaDocument;
        out.set("Replicas", r == null || streams.isEmpty() ? replicas.document() : r);
        if (group != null) {
            out.set("Group", groups.group(group));
            out.set("Events", Json.toTree(view.events(group)));
        }
        return out;
    }

    @Override
    public void changed(Set<String> ids, boolean replicasToo) {
        pending.addAll(ids);
        if (replicasToo) {
            replicasChanged.set(true);
            leases.execute(this::readReplicas);
        }
        if (!ids.isEmpty() && flushQueued.compareAndSet(false, true)) {
            sender.execute(this::flush);
        }
    }

    /** Each new event goes, as an {@code event} message, to the streams showing its group's page. */
    @Override
    public void recorded(List<Event> events) {
        sender.execute(() -> {
            for (Event e : events) {
                String json = null;
                for (EventStream s : streams) {
                    if (e.group().equals(s.group())) {
                        json = json == null ? e.toJson() : json;
                        s.send("event", json);
                    }
                }
            }
        });
    }

    @Override
    public void connection(String problem) {
        sender.execute(() -> broadcast("connection", Json.write(connectionDocument(problem))));
    }

    private ObjectNode connectionDocument(String problem) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("Problem", problem);
        c.put("Since", problem == null || view.problemSince() == null ? null : view.problemSince().toString());
        return c;
    }

    /** Sends the rows (and pages) of the groups that changed since the last flush. */
    private void flush() {
        flushQueued.set(false);
        Set<String> ids = new LinkedHashSet<>();
        for (String id : pending) {
            pending.remove(id);
            ids.add(id);
        }
        if (ids.isEmpty() || streams.isEmpty()) {
            return;
        }
        try {
            ObjectNode message = JsonNodeFactory.instance.objectNode().put("Revision", view.revision());
            ArrayNode rows = message.putArray("Rows");
            ArrayNode removed = message.putArray("Removed");
            for (String id : ids) {
                ObjectNode row = groups.row(id);
                if (row == null) {
                    removed.add(id);
                } else {
                    rows.add(row);
                }
            }
            broadcast("rows", Json.write(message));
            Set<String> pages = new HashSet<>();
            for (EventStream s : streams) {
                if (s.group() != null && ids.contains(s.group())) {
                    pages.add(s.group());
                }
            }
            for (String page : pages) {
                ObjectNode doc = groups.group(page);
                String json = doc == null ? "{\"ID\":" + Json.write(page) + ",\"Gone\":true}" : Json.write(doc);
                streams.stream().filter(s -> page.equals(s.group())).forEach(s -> s.send("group", json));
            }
        } catch (RuntimeException e) {
            log.warn("dashboard update not sent: {}", e.toString());
        }
    }

    /** Reads the replicas and their leases (etcd calls: on their own thread), and sends them if they changed. */
    private void readReplicas() {
        if (streams.isEmpty() && !replicasChanged.get() && replicaDocument != null) {
            return;
        }
        replicasChanged.set(false);
        try {
            ObjectNode doc = replicas.document();
            replicaDocument = doc;
            String json = Json.write(doc);
            sender.execute(() -> {
                if (!json.equals(lastReplicas)) {
                    lastReplicas = json;
                    broadcast("replicas", json);
                }
            });
        } catch (RuntimeException e) {
            log.debug("replicas not read: {}", e.toString());
        }
    }

    private void broadcast(String event, String json) {
        streams.forEach(s -> s.send(event, json));
    }

    private void heartbeat() {
        streams.forEach(EventStream::heartbeat);
    }

    /** Ends every stream (the browsers reconnect to whichever replica answers) and stops the threads. */
    @Override
    public void close() {
        leases.shutdownNow();
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streams.forEach(EventStream::close);
        streams.clear();
    }
}
