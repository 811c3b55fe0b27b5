package dev.keel.snapshot.format;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An output stream that writes to a file channel on a thread of its own, so producing the bytes
 * (reading the store, encoding records) and writing them to the file overlap instead of taking
 * turns. The producer fills one buffer while the writer thread writes the previous ones; the
 * writer forces the file every {@code forceEveryBytes}, so the device flushes while the producer is
 * still busy and the caller's final {@code force} has little left to do.
 *
 * <p>Bytes reach the channel in the order written, at its position at construction onwards.
 * {@link #flush()} returns once every byte written so far is in the channel (not forced).
 * {@link #close()} flushes and stops the thread; it does not close the channel. A write or force
 * failure on the writer thread is thrown by the producer's next {@code write}, {@code flush} or
 * {@code close}; bytes after the failure are discarded. {@link #abort()} stops the thread
 * without flushing, for a producer that failed.
 *
 * <p>One producer thread; not thread-safe otherwise.
 */
final class OverlappedFileOutput extends OutputStream {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final byte[] STOP = new byte[0];

    private final FileChannel channel;
    private final long forceEveryBytes;
    private final int buffers;
    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Filled> full;
    private final Thread writer;
    private volatile IOException failure;
    private byte[] current;
    private int fill;
    private boolean stopped;

    private record Filled(byte[] bytes, int length) {
    }

    /**
     * @param channel the file, written from its current position
     * @param bufferBytes the size of each buffer handed to the writer
     * @param buffers how many buffers exist (one being filled, the rest queued or being written)
     * @param forceEveryBytes force the file after this many bytes; 0 or less never
     */
    OverlappedFileOutput(FileChannel channel, int bufferBytes, int buffers, long forceEveryBytes) {
        if (bufferBytes < 1 || buffers < 2) {
            throw new IllegalArgumentException("need a buffer size >= 1 and >= 2 buffers: " + bufferBytes + ", " + buffers);
        }
        this.channel = Objects.requireNonNull(channel, "channel");
        this.forceEveryBytes = forceEveryBytes;
        this.buffers = buffers;
        this.free = new ArrayBlockingQueue<>(buffers);
        this.full = new ArrayBlockingQueue<>(buffers);
        for (int i = 1; i < buffers; i++) {
            free.add(new byte[bufferBytes]);
        }
        this.current = new byte[bufferBytes];
        this.writer = new Thread(this::drain, "keel-snapshot-writer-" + THREADS.incrementAndGet());
        // Daemon: a producer that never closes this stream must not keep the JVM alive.
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void write(int b) throws IOException {
        ensureRunning();
        if (fill == current.length) {
            handOff();
        }
        current[fill++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureRunning();
        int o = off;
        int left = len;
        while (left > 0) {
            if (fill == current.length) {
                handOff();
            }
            int n = Math.min(left, current.length - fill);
            System.arraycopy(b, o, current, fill, n);
            fill += n;
            o += n;
            left -= n;
        }
    }

    /** Hands every byte written so far to the writer and waits until the channel has them all. */
    @Override
    public void flush() throws IOException {
        ensureRunning();
        if (fill > 0) {
            handOff();
        }
        // Every buffer back in the free list (plus the one being filled) means nothing is in flight.
        byte[][] all = new byte[buffers - 1][];
        for (int i = 0; i < all.length; i++) {
            all[i] = take(free);
        }
        for (byte[] b : all) {
            free.add(b);
        }
        throwIfFailed();
    }

    /** Flushes and stops the writer thread. Does not close the channel. */
    @Override
    public void close() throws IOException {
        if (stopped) {
            return;
        }
        try {
            flush();
        } finally {
            stop();
        }
    }

    /** Stops the writer thread after what it already has, discarding the unfilled buffer. */
    void abort() {
        if (!stopped) {
            fill = 0;
            stop();
        }
    }

    /** @return whether the writer thread still runs (for tests) */
    boolean writerAlive() {
        return writer.isAlive();
    }

    private void stop() {
        stopped = true;
        boolean interrupted = false;
        while (true) {
            try {
                full.put(new Filled(STOP, 0));
                writer.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void handOff() throws IOException {
        ensureRunning();
        throwIfFailed();
        try {
            full.put(new Filled(current, fill));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing a buffer to the snapshot writer");
        }
        // The writer owns that buffer now; until a free one arrives there is none to fill.
        current = null;
        fill = 0;
        current = take(free);
    }

    private byte[] take(BlockingQueue<byte[]> queue) throws IOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the snapshot writer");
        }
    }

    private void ensureRunning() throws IOException {
        if (stopped) {
            throw new IllegalStateException("overlapped output is closed");
        }
        if (current == null) {
            throw new IOException("overlapped output is unusable: interrupted while waiting for a buffer");
        }
    }

    private void throwIfFailed() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("writing the snapshot file failed: " + f.getMessage(), f);
        }
    }

    /** The writer thread: writes each filled buffer in order, forcing every so many bytes. */
    private void drain() {
        long sinceForce = 0;
        while (true) {
            Filled filled;
            try {
                filled = full.take();
            } catch (InterruptedException e) {
                // Nobody should interrupt this thread; write nothing more, but keep returning
                // buffers so the producer learns of the failure instead of waiting forever.
                failure = new InterruptedIOException("snapshot writer interrupted");
                continue;
            }
            if (filled.bytes() == STOP) {
                return;
            }
            try {
                if (failure == null) {
                    ByteBuffer b = ByteBuffer.wrap(filled.bytes(), 0, filled.length());
                    while (b.hasRemaining()) {
                        channel.write(b);
                    }
                    sinceForce += filled.length();
                    if (forceEveryBytes > 0 && sinceForce >= forceEveryBytes) {
                        channel.force(false);
                        sinceForce = 0;
                    }
                }
            } catch (IOException e) {
                failure = e;
            } catch (Throwable t) {
                // Also an Error (no direct memory for the copy, say): the producer must hear of it.
                failure = new IOException("snapshot writer thread failed", t);
            } finally {
                // Always back: a producer waiting for a free buffer must never wait forever.
                free.add(filled.bytes());
            }
        }
    }
}
