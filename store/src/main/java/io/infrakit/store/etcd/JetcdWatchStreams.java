package io.infrakit.store.etcd;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.infrakit.store.StoreException;
import io.infrakit.store.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Watch streams on jetcd's gRPC watch client. */
final class JetcdWatchStreams implements WatchStreams {

    private final Watch client;
    private final Set<Events> running = ConcurrentHashMap.newKeySet();

    JetcdWatchStreams(Watch client) {
        this.client = client;
    }

    @Override
    public Stream open(String prefix, long fromRevision, Events events) {
        WatchOption option = WatchOption.builder()
                .withRange(EtcdStore.prefixEnd(prefix))
                .withRevision(fromRevision)
                .withCreateNotify(true)
                .withRequireLeader(true)
                .build();
        running.add(events);
        Watch.Watcher watcher = client.watch(EtcdStore.bytes(prefix.isEmpty() ? "\0" : prefix), option,
                new Watch.Listener() {
                    @Override
                    public void onNext(WatchResponse response) {
                        if (response.isCreatedNotify()) {
                            events.created(response.getHeader().getRevision(),
                                    response.getHeader().getClusterId());
                        } else if (!response.getEvents().isEmpty()) {
                            events.changed(convert(response));
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        running.remove(events);
                        events.failed(error);
                    }

                    @Override
                    public void onCompleted() {
                        running.remove(events);
                        events.failed(new StoreException("etcd ended the watch stream"));
                    }
                });
        return () -> {
            running.remove(events);
            watcher.close();
        };
    }

    /**
     * Ends every running stream, so that each is opened again on the connections made afresh after a request timed
     * out: a stream has no deadline, and one on a member that stopped answering would wait silently until
     * gRPC's keepalive gives up on the connection.
     */
    void reopenAll() {
        for (Events events : List.copyOf(running)) {
            running.remove(events);
            events.failed(new StoreException("reopened on a fresh connection after a request to etcd timed out"));
        }
    }

    @Override
    public boolean isCompacted(Throwable error) {
        return Calls.isCompacted(error);
    }

    private static List<WatchEvent> convert(WatchResponse response) {
        List<WatchEvent> out = new ArrayList<>(response.getEvents().size());
        for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
            out.add(new WatchEvent(e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE
                    ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT, EtcdStore.keyValue(e.getKeyValue())));
        }
        return out;
    }
}
