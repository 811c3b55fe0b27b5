package dev.keel.raft.io;

import java.io.IOException;
import java.util.List;

/**
 * The file-I/O seam every Keel write path goes through: one flat directory of named files.
 *
 * <p>It exists so that tests can inject faults (a failing {@code force}, a short write, a full
 * disk, a file that vanishes) and simulate power loss (every byte not covered by a completed
 * {@link StorageFile#force(boolean)} is lost) without touching the code under test. The production
 * implementation is {@link ChannelDirectory}.
 *
 * <p>Durability contract, as on a POSIX file system: a file's bytes are durable once its
 * {@link StorageFile#force(boolean)} returned; its creation, deletion or rename is durable once
 * {@link #forceDirectory()} returned afterwards.
 *
 * <p>Implementations are thread-safe; the files they open are thread-safe for positional reads
 * and writes.
 */
public interface StorageDirectory extends AutoCloseable {
    /** How {@link #open} treats a missing or existing file. */
    enum OpenMode {
        /** Read only; the file must exist. Never changes the file. */
        READ,
        /** Read and write; the file must exist. */
        WRITE,
        /** Read and write; the file must not exist and is created empty. */
        CREATE_NEW
    }

    /**
     * @param name a file name inside the directory (no separators)
     * @param mode what to require and allow
     * @return the open file, to be closed by the caller
     * @throws IOException if the file is missing (READ, WRITE), exists (CREATE_NEW) or cannot be opened
     */
    StorageFile open(String name, OpenMode mode) throws IOException;

    /**
     * @return the names of the regular files in the directory, in no particular order
     * @throws IOException if the directory cannot be listed
     */
    List<String> list() throws IOException;

    /**
     * Removes a file; durable after {@link #forceDirectory()}.
     *
     * @param name the file to delete
     * @throws IOException if it does not exist or cannot be deleted
     */
    void delete(String name) throws IOException;

    /**
     * Atomically renames a file, replacing {@code to} if it exists; durable after
     * {@link #forceDirectory()}.
     *
     * @param from the existing name
     * @param to the new name
     * @throws IOException if the rename fails
     */
    void rename(String from, String to) throws IOException;

    /**
     * Makes creations, deletions and renames so far durable.
     *
     * @throws IOException if the directory cannot be forced
     */
    void forceDirectory() throws IOException;

    /** @return a human-readable location, for messages */
    String describe(String name);

    /** Releases what the directory holds (not the files opened from it). Idempotent. */
    @Override
    void close();
}
