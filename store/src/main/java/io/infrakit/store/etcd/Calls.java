package io.infrakit.store.etcd;

import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.infrakit.store.StoreException;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/** Deadlines and error translation for calls to etcd: jetcd waits for a connection forever unless told otherwise. */
final class Calls {

    private static final long RETRY_PAUSE_MS = 50;

    private final String endpoints;
    private final Duration timeout;
    private final Supplier<String> diagnosis;

    /**
     * @param diagnosis says what is wrong on the wire when a request times out (a failed TLS handshake, nothing
     *                  listening), or null when nothing it can tell
     */
    Calls(String endpoints, Duration timeout, Supplier<String> diagnosis) {
        this.endpoints = endpoints;
        this.timeout = timeout;
        this.diagnosis = diagnosis;
    }

    Duration timeout() {
        return timeout;
    }

    /** Waits for a call's result no longer than the request timeout. */
    <T> T await(CompletableFuture<T> call, String what) {
        try {
            return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new StoreException("interrupted while waiting for etcd at " + endpoints + " (" + what + ")", e);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), what);
        }
    }

    /**
     * Like {@link #await} for calls that are safe to repeat (reads, plain puts and deletes): an attempt that fails
     * because a member died or lost its leader (a write forwarded to a dead leader hangs until etcd's own ~5 s
     * timeout) is sent again while the request timeout allows. Each attempt has half the timeout (see
     * {@link #deadlines}), so there is time for a second one.
     */
    <T> T awaitRetrying(Supplier<CompletableFuture<T>> call, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            CompletableFuture<T> attempt = call.get();
            try {
                return attempt.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                attempt.cancel(true);
                throw unreachable(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                attempt.cancel(true);
                throw new StoreException("interrupted while waiting for etcd at " + endpoints + " (" + what + ")", e);
            } catch (ExecutionException e) {
                Status.Code code = code(unwrap(e.getCause()));
                boolean retryable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
                if (!retryable || deadline - System.nanoTime() < TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MS)) {
                    throw failure(e.getCause(), what);
                }
            }
            try {
                Thread.sleep(RETRY_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for etcd at " + endpoints + " (" + what + ")", e);
            }
        }
    }

    /** A request that timed out: with what is wrong on the wire when that can be told, as gRPC does not. */
    StoreException unreachable(Throwable cause) {
        String why = diagnosis.get();
        return new StoreException("etcd unreachable at " + endpoints
                + (why != null ? ": " + why : " (timed out after " + format(timeout) + ")"), cause);
    }

    /** The StoreException for a failed call, naming the endpoints. */
    StoreException failure(Throwable error, String what) {
        Throwable t = unwrap(error);
        if (t instanceof StoreException se) {
            return se;
        }
        Status.Code code = code(t);
        if (code == Status.Code.DEADLINE_EXCEEDED) {
            return unreachable(t);
        }
        if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
            return new StoreException("etcd at " + endpoints + " refused " + what
                    + ": authentication failed or not allowed (check user and password): " + t.getMessage(), t);
        }
        if (code == Status.Code.UNAVAILABLE) {
            return new StoreException("etcd unreachable at " + endpoints + ": " + t.getMessage(), t);
        }
        return new StoreException("etcd at " + endpoints + " failed " + what + ": " + t.getMessage(), t);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static boolean isCompacted(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof StoreException && t.getCause() != null) {
            t = unwrap(t.getCause());
        }
        return t instanceof CompactedException
                || (t.getMessage() != null && t.getMessage().contains("required revision has been compacted"));
    }

    /** etcd answered that the thing (a lease) does not exist. */
    static boolean isNotFound(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof StoreException && t.getCause() != null) {
            t = unwrap(t.getCause());
        }
        return code(t) == Status.Code.NOT_FOUND;
    }

    private static Status.Code code(Throwable t) {
        if (t instanceof EtcdException e) {
            return Status.Code.valueOf(e.getErrorCode().name());
        }
        if (t instanceof CancellationException) {
            return Status.Code.CANCELLED;
        }
        return Status.fromThrowable(t).getCode();
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return ms < 1000 ? ms + "ms" : String.format("%.1fs", ms / 1000.0);
    }

    /**
     * Puts a gRPC deadline on every call except watches, so a request that waits for an unreachable etcd is
     * cancelled on the wire too, not only abandoned by the caller. Calls that {@link #awaitRetrying} may repeat get
     * half the timeout per attempt. {@code onDeadline} hears when a call started ({@link System#nanoTime()}) whose
     * deadline passed without an answer.
     */
    static ClientInterceptor deadlines(Duration timeout, LongConsumer onDeadline) {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                         Channel next) {
                String name = method.getFullMethodName();
                if (name.endsWith("Watch/Watch") || options.getDeadline() != null) {
                    return next.newCall(method, options);
                }
                boolean repeatable = name.endsWith("KV/Range") || name.endsWith("KV/Put")
                        || name.endsWith("KV/DeleteRange");
                long millis = repeatable ? Math.max(1, timeout.toMillis() / 2) : timeout.toMillis();
                long started = System.nanoTime();
                ClientCall<Q, R> call = next.newCall(method, options.withDeadlineAfter(millis, TimeUnit.MILLISECONDS));
                return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                                    onDeadline.accept(started);
                                }
                                super.onClose(status, trailers);
                            }
                        }, headers);
                    }
                };
            }
        };
    }
}
