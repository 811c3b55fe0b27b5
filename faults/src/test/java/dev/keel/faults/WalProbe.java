package dev.keel.faults;

import dev.keel.raft.wal.SegmentedLogStorage;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the durable log says before an open, read through a read-only open that changes no file:
 * the inputs of the cold-start gate that do not come from the store.
 *
 * @param firstIndex the log's first index {@code F}
 * @param lastIndex the log's last durable index {@code Llog}
 * @param commitIndex the hard state's commit index
 * @param snapshotIndex the snapshot token's index {@code S.i}, or -1 without one
 */
record WalProbe(long firstIndex, long lastIndex, long commitIndex, long snapshotIndex) {
    /** The probe of a node whose log was never written. */
    static final WalProbe NO_LOG = new WalProbe(1, 0, 0, -1);

    /** @return {@code L} = max(Llog, S.i) */
    long last() {
        return Math.max(lastIndex, snapshotIndex);
    }

    /**
     * @param walDirectory the node's log directory
     * @param segmentBytes the node's segment size
     * @return the probe; {@link #NO_LOG} when the directory holds no segment yet
     * @throws dev.keel.storage.api.consensus.WalCorruptionException if the log is corrupt
     */
    static WalProbe of(Path walDirectory, long segmentBytes) {
        if (!Files.isDirectory(walDirectory) || isEmpty(walDirectory)) {
            return NO_LOG;
        }
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(walDirectory).segmentBytes(segmentBytes).readOnly(true)
                .open()) {
            return new WalProbe(log.firstIndex(), log.lastIndex(), log.hardState().commitIndex(),
                    log.snapshotToken().map(SnapshotToken::index).orElse(-1L));
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
