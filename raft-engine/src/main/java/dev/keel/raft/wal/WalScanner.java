package dev.keel.raft.wal;

import dev.keel.raft.io.ChannelDirectory;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.consensus.WalCorruptionException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a WAL directory record by record for tools ({@code keel wal dump}): the same checks as an
 * open, in read-only mode, so it never changes a file. Stateless and thread-safe.
 */
public final class WalScanner {
    private WalScanner() {
    }

    /**
     * Reports every segment header and record of the WAL in {@code dir}, in order, to the visitor.
     *
     * @param dir a WAL directory
     * @param visitor receives each record after it passed its checks
     * @throws WalCorruptionException at the first record that fails a check a torn write cannot
     *     explain (the visitor has seen every record before it)
     * @throws StorageException if the directory cannot be read
     */
    public static void scan(Path dir, WalVisitor visitor) {
        ChannelDirectory directory;
        try {
            directory = new ChannelDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot open the WAL directory " + dir, e);
        }
        try {
            WalRecovery.Recovered recovered = new WalRecovery(directory, true, 0, visitor).recover();
            for (Segment s : recovered.segments()) {
                WalRecovery.closeQuietly(s.file);
            }
        } finally {
            directory.close();
        }
    }
}
