package io.infrakit.operator.dashboard;

import io.infrakit.operator.Keys;
import io.infrakit.operator.http.HttpAddress;
import io.infrakit.operator.http.OperatorHttpServer;
import io.infrakit.operator.write.GroupWrites;
import io.infrakit.plugins.PluginLookup;
import io.infrakit.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The web dashboard every replica serves on its {@code --http} address, at {@value #PATH}: the groups, a page per
 * group (instances, spec, history, update, events), the replicas; live through server-sent events fed by an etcd
 * watch; actions through {@link GroupWrites} for whoever holds a token. It reads etcd only, so a standby serves it
 * as well as the leader.
 *
 * <pre>{@code
 * Dashboard d = Dashboard.builder(store, keys, writes, plugins).self(id).tokenFile(path).start(); // or build() ... watch()
 * OperatorHttpServer.builder(address).mount(Dashboard.PATH, d.handler(address)) ...; d.close();
 * }</pre>
 */
public final class Dashboard implements AutoCloseable {

    public static final String PATH = "/dashboard";
    /** The file of dev mode's token, in InfraKit's home. */
    public static final String DEV_TOKEN_FILE = "dashboard-token";

    private final ClusterView view;
    private final LiveUpdates live;
    private final GroupDocuments groups;
    private final GroupInstances instances;
    private final DashboardActions actions;
    private final TokenFile tokens;
    private final boolean readOnly;

    private Dashboard(Builder b, TokenFile tokens) {
        this.view = new ClusterView(b.store, b.keys);
        this.groups = new GroupDocuments(view);
        this.instances = new GroupInstances(view, b.plugins);
        this.actions = new DashboardActions(b.writes);
        this.tokens = tokens;
        this.readOnly = b.readOnly;
        // Access depends on the address (loopback or not), known when mounted; the snapshot only says what is allowed.
        AccessControl described = new AccessControl(tokens, readOnly, true);
        this.live = new LiveUpdates(view, groups, new ReplicaDocuments(view, b.store, b.self), described::describe,
                b.heartbeat);
    }

    public static Builder builder(Store store, Keys keys, GroupWrites writes, PluginLookup plugins) {
        return new Builder(store, keys, writes, plugins);
    }

    /**
     * The token of dev mode ({@value #DEV_TOKEN_FILE} in {@code home}, made when missing), for the URL printed to
     * the user who runs {@code infrakit up}.
     */
    public static String devToken(Path home) throws IOException {
        return TokenFile.devToken(home.resolve(DEV_TOKEN_FILE));
    }

    /**
     * Reads a token file as the dashboard will.
     *
     * @throws IllegalArgumentException when it cannot be read or is invalid, saying why
     */
    public static void checkTokenFile(Path file) {
        TokenFile.read(file);
    }

    /** The handler to mount at {@link #PATH} of a server listening on {@code address}. */
    public org.eclipse.jetty.server.Handler handler(HttpAddress address) {
        AccessControl access = new AccessControl(tokens, readOnly, AccessControl.isLoopbackName(address.host()));
        return new DashboardHandler(groups, instances, live, access, actions);
    }

    /** Mounts the dashboard on a server being built, and sends {@code /} there. */
    public OperatorHttpServer.Builder mount(OperatorHttpServer.Builder server, HttpAddress address) {
        return server.mount(PATH, handler(address)).home(PATH + "/");
    }

    /**
     * Starts watching etcd (once; later calls do nothing). Until then the pages show no group: start it once etcd is
     * known to answer, so a slow first answer costs no broken watch.
     */
    public Dashboard watch() {
        view.start();
        return this;
    }

    /** Whether the first listing of etcd has arrived. */
    public boolean synced() {
        return view.synced();
    }

    /** Streams open now. */
    public int streams() {
        return live.streams();
    }

    /** Ends the browsers' streams (they reconnect, to another replica if this one is gone) and the watch. */
    @Override
    public void close() {
        live.close();
        view.close();
    }

    /** What the dashboard works with, and what it allows. */
    public static final class Builder {
        private final Store store;
        private final Keys keys;
        private final GroupWrites writes;
        private final PluginLookup plugins;
        private String self = "";
        private Path tokenFile;
        private boolean readOnly;
        private java.time.Duration heartbeat = LiveUpdates.HEARTBEAT;

        private Builder(Store store, Keys keys, GroupWrites writes, PluginLookup plugins) {
            this.store = Objects.requireNonNull(store, "store");
            this.keys = Objects.requireNonNull(keys, "keys");
            this.writes = Objects.requireNonNull(writes, "writes");
            this.plugins = Objects.requireNonNull(plugins, "plugins");
        }

        /** This replica's ID, so the page can say which replica serves it. */
        public Builder self(String id) {
            this.self = Objects.requireNonNull(id, "id");
            return this;
        }

        /** The token file that allows actions (null: none are allowed). */
        public Builder tokenFile(Path file) {
            this.tokenFile = file;
            return this;
        }

        /** No actions at all, whatever the tokens. */
        public Builder readOnly(boolean value) {
            this.readOnly = value;
            return this;
        }

        /**
         * How often a stream carries a comment line when nothing else happens (default 10 s): more often than the
         * server closes idle connections.
         */
        public Builder heartbeat(java.time.Duration every) {
            this.heartbeat = Objects.requireNonNull(every, "every");
            return this;
        }

        /**
         * Reads the token file; the dashboard watches etcd from {@link Dashboard#watch()} on.
         *
         * @throws IllegalArgumentException when the token file cannot be read or is invalid, saying why
         */
        public Dashboard build() {
            return new Dashboard(this, tokenFile == null ? null : TokenFile.read(tokenFile));
        }

        /** {@link #build()}, then {@link Dashboard#watch()}. */
        public Dashboard start() {
            return build().watch();
        }
    }
}
