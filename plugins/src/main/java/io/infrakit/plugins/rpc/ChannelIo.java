package io.infrakit.plugins.rpc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeUnit;

/**
 * A socket channel read and written with deadlines. Blocking channels cannot time out (Unix domain channels have
 * no socket adapter for {@code SO_TIMEOUT}), so the channel is non-blocking and every wait is a bounded select.
 * {@link #close} may be called from another thread: a waiting reader wakes up with an
 * {@link AsynchronousCloseException}. Deadlines are {@link System#nanoTime()} values.
 */
final class ChannelIo implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private volatile boolean closed;

    ChannelIo(SocketChannel channel) throws IOException {
        this.channel = channel;
        try {
            channel.configureBlocking(false);
            this.selector = Selector.open();
            this.key = channel.register(selector, 0);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Opens a connection, waiting at most until the deadline for it to be established. */
    static ChannelIo connect(SocketAddress address, long deadline) throws IOException {
        SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        ChannelIo io = new ChannelIo(channel);
        try {
            if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
                throw new IOException("unknown host " + inet.getHostString());
            }
            if (!channel.connect(address)) {
                while (!channel.finishConnect()) {
                    io.await(SelectionKey.OP_CONNECT, deadline, "connecting");
                }
            }
            return io;
        } catch (IOException | RuntimeException e) {
            io.close();
            if (e instanceof UnresolvedAddressException) {
                throw new IOException("unresolved address " + address, e);
            }
            throw e;
        }
    }

    /** Reads what is available, waiting for at least one byte; -1 at end of stream. */
    int read(ByteBuffer dst, long deadline) throws IOException {
        while (true) {
            int n = channel.read(dst);
            if (n != 0 || !dst.hasRemaining()) {
                return n;
            }
            await(SelectionKey.OP_READ, deadline, "reading");
        }
    }

    void write(ByteBuffer src, long deadline) throws IOException {
        while (src.hasRemaining()) {
            if (channel.write(src) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "writing");
            }
        }
    }

    /** Tells the peer nothing more will be sent, while still reading what it sends. */
    void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // the peer is gone already: nothing to tell it
        }
    }

    boolean isOpen() {
        return !closed && channel.isOpen();
    }

    private void await(int op, long deadline, String doing) throws IOException {
        try {
            key.interestOps(op);
            while (true) {
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new SocketTimeoutException("timed out " + doing);
                }
                int ready = selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999)));
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while " + doing); // the flag stays set
                }
                if (ready > 0) {
                    selector.selectedKeys().clear();
                    return;
                }
            }
        } catch (ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
            throw new AsynchronousCloseException(); // closed by another thread between checks
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            selector.wakeup();
        } catch (ClosedSelectorException e) {
            // already closed
        }
        closeQuietly(channel);
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
