package io.infrakit.store.etcd;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.infrakit.store.StoreException;
import io.infrakit.store.WatchEvent;
import java.util.ArrayList;
import java.util.List;

/** Watch streams on jetcd's gRPC watch client. */
final class JetcdWatchStreams implements WatchStreams {

    private final Watch client;

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
                        events.failed(error);
                    }

                    @Override
                    public void onCompleted() {
                        events.failed(new StoreException("etcd ended the watch stream"));
                    }
                });
        return watcher::close;
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
