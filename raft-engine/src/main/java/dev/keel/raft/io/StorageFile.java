package dev.keel.raft.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open file of a {@link StorageDirectory}, addressed by absolute position (like
 * {@link java.nio.channels.FileChannel}'s positional methods).
 *
 * <p>Thread-safe: positional reads may run concurrently with each other and with one writer.
 */
public interface StorageFile extends Closeable {
    /** @return the file's name inside its directory */
    String name();

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code position}.
     *
     * @return the number of bytes read, -1 at end of file
     * @throws IOException on an I/O error
     */
    int read(ByteBuffer dst, long position) throws IOException;

    /**
     * Writes up to {@code src.remaining()} bytes at {@code position}; may write fewer (callers
     * loop, see {@link #writeFully}).
     *
     * @return the number of bytes written
     * @throws IOException on an I/O error, including a full disk
     */
    int write(ByteBuffer src, long position) throws IOException;

    /**
     * Forces every byte written so far to stable storage.
     *
     * @param metadata also force the file length and other metadata (needed after the file grew or
     *     shrank; the WAL preallocates, so record writes pass false)
     * @throws IOException if the force failed; the written bytes may or may not be durable
     */
    void force(boolean metadata) throws IOException;

    /**
     * Cuts the file to {@code size} bytes (no-op when it is not longer).
     *
     * @throws IOException on an I/O error
     */
    void truncate(long size) throws IOException;

    /**
     * @return the file length in bytes
     * @throws IOException on an I/O error
     */
    long size() throws IOException;

    /**
     * Writes every remaining byte of {@code src} at {@code position}, looping over short writes.
     *
     * @throws IOException on an I/O error, or if the file accepts no bytes at all
     */
    default void writeFully(ByteBuffer src, long position) throws IOException {
        long at = position;
        int stalls = 0;
        while (src.hasRemaining()) {
            int n = write(src, at);
            if (n <= 0) {
                // A channel that keeps accepting nothing would spin this writer forever.
                if (++stalls > 16) {
                    throw new IOException(name() + ": write made no progress at offset " + at);
                }
                continue;
            }
            stalls = 0;
            at += n;
        }
    }

    /**
     * Reads exactly {@code dst.remaining()} bytes at {@code position}.
     *
     * @return false if the file ended first (dst then holds what was there)
     * @throws IOException on an I/O error
     */
    default boolean readFully(ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = read(dst, at);
            if (n < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }
}
