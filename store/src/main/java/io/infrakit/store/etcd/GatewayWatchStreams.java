package io.infrakit.store.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.store.StoreException;
import io.infrakit.store.WatchEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watch streams on the gateway's {@code POST /v3/watch}: one HTTP request per stream, answered with one JSON object
 * per line as long as it lasts, read by a thread of its own. A stream etcd cancels because its revision was
 * compacted fails with etcd's "required revision has been compacted".
 */
final class GatewayWatchStreams implements WatchStreams {

    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * How long a read waits before the reader looks whether its stream was closed. The JDK's HTTP stream cannot be
     * closed from another thread while one reads it (both hold its lock), so the reader stops it itself. A read that
     * times out consumes nothing: the stream goes on where it was.
     */
    private static final int POLL_MILLIS = 1000;

    private final GatewayCalls calls;

    GatewayWatchStreams(GatewayCalls calls) {
        this.calls = calls;
    }

    @Override
    public Stream open(String prefix, long fromRevision, Events events) {
        ObjectNode create = GatewayCalls.JSON.createObjectNode();
        create.putObject("create_request").put("key", EtcdHttpStore.base64(KeyRanges.start(prefix)))
                .put("range_end", EtcdHttpStore.base64(KeyRanges.prefixEnd(prefix)))
                .put("start_revision", Long.toString(fromRevision));
        Reader reader = new Reader(create, events);
        Thread t = new Thread(reader, "infrakit-gateway-watch-" + THREADS.getAndIncrement());
        t.setDaemon(true);
        t.start();
        return reader::close;
    }

    @Override
    public boolean isCompacted(Throwable error) {
        return EtcdHttpStore.compacted(error);
    }

    /** Connects, then reads the stream until it ends, fails or is closed. */
    private final class Reader implements Runnable {
        private final ObjectNode request;
        private final Events events;
        private volatile boolean closed;

        Reader(ObjectNode request, Events events) {
            this.request = request;
            this.events = events;
        }

        @Override
        public void run() {
            HttpURLConnection c = null;
            try {
                c = calls.stream("/v3/watch", request, "watch", POLL_MILLIS);
                InputStream in = c.getInputStream();
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                while (!closed) {
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (SocketTimeoutException e) {
                        continue; // nothing changed: look whether the stream was closed meanwhile
                    }
                    if (n < 0) {
                        report(new StoreException("etcd ended the watch stream"));
                        return;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] != '\n') {
                            line.write(buffer[i]);
                        } else if (line.size() > 0) {
                            boolean more = answer(GatewayCalls.JSON.readTree(line.toByteArray()));
                            line.reset();
                            if (!more) {
                                return;
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                report(e);
            } finally {
                if (c != null) {
                    c.disconnect(); // on this thread: the JDK's stream cannot be closed while another reads it
                }
            }
        }

        /** Handles one message; false when the stream is over. */
        private boolean answer(JsonNode message) {
            JsonNode error = message.get("error");
            if (error != null) {
                report(new StoreException("etcd failed the watch: " + error.path("message").asText(error.toString())));
                return false;
            }
            JsonNode result = message.path("result");
            if (result.path("canceled").asBoolean(false)) {
                long compacted = EtcdHttpStore.number(result.path("compact_revision"));
                report(new StoreException(compacted > 0
                        ? "etcdserver: mvcc: required revision has been compacted (to " + compacted + ")"
                        : "etcd canceled the watch: " + result.path("cancel_reason").asText("no reason given")));
                return false;
            }
            if (result.path("created").asBoolean(false)) {
                JsonNode header = result.path("header");
                events.created(EtcdHttpStore.number(header.path("revision")), clusterId(header.path("cluster_id")));
            }
            JsonNode list = result.path("events");
            if (list.size() > 0) {
                List<WatchEvent> out = new ArrayList<>(list.size());
                for (JsonNode e : list) {
                    out.add(new WatchEvent("DELETE".equals(e.path("type").asText()) ? WatchEvent.Type.DELETE
                            : WatchEvent.Type.PUT, EtcdHttpStore.keyValue(e.path("kv"))));
                }
                events.changed(out);
            }
            return true;
        }

        /** The cluster ID, an unsigned 64-bit number the gateway writes as a string; 0 when absent or not one. */
        private static long clusterId(JsonNode n) {
            try {
                return n.isMissingNode() || n.isNull() ? 0 : Long.parseUnsignedLong(n.asText());
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        private void report(Throwable error) {
            if (!closed) {
                events.failed(error);
            }
        }

        /** Stops the stream: its thread sees it within {@link #POLL_MILLIS} and ends. */
        void close() {
            closed = true;
        }
    }
}
