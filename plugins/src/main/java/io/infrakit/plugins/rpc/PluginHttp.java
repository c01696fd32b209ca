package io.infrakit.plugins.rpc;

import io.infrakit.plugins.http.HttpThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The HTTP exchanges of {@link RpcClient}: one Jetty {@link HttpClient} for the whole process, its transport chosen
 * per request (a Unix socket, or TCP). Every call is one exchange on a connection of its own, closed after the
 * answer. Keeping connections between calls, as Go's client does, would halve a call's cost (docs/benchmarks.md),
 * but a plugin server with a thread per connection (Python's {@code socketserver}, the example in docs/plugins.md)
 * would keep a thread waiting on each, and could not stop until they closed. A connection per call also means that a
 * plugin restarted on the same socket is simply reached again. Requests look like Go's client's ({@code POST /}, {@code Host: h},
 * {@code Accept-Encoding: gzip}).
 */
final class PluginHttp {

    /** Go's client posts to {@code http://h}: InfraKit's servers ignore the host, and so do ours. */
    private static final String HOST = "h";

    private PluginHttp() {
    }

    /** An answer: its status and body. */
    record Answer(int status, byte[] body) {
    }

    /** What went wrong, in the words {@link RpcClient} turns into messages. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean connected;
        final boolean timedOut;
        final boolean interrupted;

        Failure(Throwable cause, boolean connected, boolean timedOut, boolean interrupted) {
            super(describe(cause), cause);
            this.connected = connected;
            this.timedOut = timedOut;
            this.interrupted = interrupted;
        }
    }

    /** Created on first use: a process that calls no plugin starts no client threads. */
    private static final class Shared {
        static final HttpClient CLIENT = start();

        private static HttpClient start() {
            HttpClient client = new HttpClient();
            // A few threads for I/O callbacks: callers block on their own threads, not on these.
            client.setExecutor(HttpThreads.pool("infrakit-plugin-client", 4));
            client.setScheduler(new ScheduledExecutorScheduler("infrakit-plugin-client-timer", true));
            client.setName("infrakit-plugin-client");
            client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "infrakit-java/1"));
            client.setFollowRedirects(false);
            client.setHttpCookieStore(new HttpCookieStore.Empty());
            client.setMaxConnectionsPerDestination(256);
            client.setDestinationIdleTimeout(TimeUnit.MINUTES.toMillis(1)); // forget the sockets of gone plugins
            try {
                client.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the plugin HTTP client: " + e.getMessage(), e);
            }
            return client;
        }
    }

    /** Starts the shared client if it is not running yet, so that its start counts against no call's deadline. */
    static void start() {
        Shared.CLIENT.isStarted();
    }

    /**
     * One exchange, all of it (connecting included) before the deadline ({@link System#nanoTime()}).
     *
     * @param body the JSON body to POST, or null for a GET
     */
    static Answer exchange(SocketAddress target, String path, byte[] body, long deadline, int maxResponseBytes)
            throws Failure {
        AtomicBoolean committed = new AtomicBoolean();
        Request request;
        if (target instanceof UnixDomainSocketAddress unix) {
            request = Shared.CLIENT.newRequest("http://" + HOST + path).transport(new Transport.TCPUnix(unix.getPath()));
        } else {
            InetSocketAddress inet = (InetSocketAddress) target;
            request = Shared.CLIENT.newRequest(inet.getHostString(), inet.getPort()).path(path);
        }
        request.method(body == null ? HttpMethod.GET : HttpMethod.POST)
                .headers(h -> h.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()))
                .timeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                .onRequestCommit(r -> committed.set(true));
        if (body != null) {
            request.body(new BytesRequestContent("application/json", body));
        }
        try {
            ContentResponse response = new CompletableResponseListener(request, maxResponseBytes).send()
                    .get(Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
            return new Answer(response.getStatus(), response.getContent());
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw new Failure(e, committed.get(), false, true);
        } catch (TimeoutException e) { // the request's own timeout should have fired first
            request.abort(e);
            throw new Failure(e, committed.get(), true, false);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new Failure(cause, committed.get(), cause instanceof TimeoutException, false);
        }
    }

    /** The innermost message worth showing: "Connection refused", "No such file or directory", ... */
    private static String describe(Throwable t) {
        String best = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m != null && !m.isBlank() && (best == null || c instanceof IOException)) {
                best = m;
            }
        }
        return best != null ? best : t.getClass().getSimpleName();
    }
}
