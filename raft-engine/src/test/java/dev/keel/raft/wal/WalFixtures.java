package dev.keel.raft.wal;

import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** Shared helpers for the WAL tests: opening on a simulated directory and capturing a log's content. */
final class WalFixtures {
    static final int SEGMENT_BYTES = 4096;

    private WalFixtures() {
    }

    /** Everything a reader can observe of a log, for equality checks across reopen. */
    record Content(long first, long last, List<LogEntry> entries, HardState hardState, Optional<SnapshotToken> token) {
        /** @return whether {@code other}'s entries are a prefix of these, with the same first index */
        boolean hasPrefix(Content other) {
            return other.first == first && other.last <= last && entries.subList(0, other.entries.size()).equals(other.entries);
        }
    }

    static SegmentedLogStorage open(SimulatedDirectory dir) {
        return SegmentedLogStorage.builder(dir).segmentBytes(SEGMENT_BYTES).maxBatchBytes(2048).open();
    }

    static SegmentedLogStorage openReadOnly(SimulatedDirectory dir) {
        return SegmentedLogStorage.builder(dir).segmentBytes(SEGMENT_BYTES).readOnly(true).open();
    }

    static Content content(SegmentedLogStorage log) {
        long first = log.firstIndex();
        long last = log.lastIndex();
        List<LogEntry> entries = first <= last ? log.entries(first, last + 1, Long.MAX_VALUE) : List.of();
        return new Content(first, last, entries, log.hardState(), log.snapshotToken());
    }

    static LogEntry randomEntry(SplittableRandom random, long index, long term, int maxPayload) {
        byte[] payload = new byte[random.nextInt(maxPayload + 1)];
        random.nextBytes(payload);
        return new LogEntry(index, term, random.nextInt(8) == 0 ? LogEntry.Type.CONFIG : LogEntry.Type.NORMAL, payload);
    }

    static List<String> segmentNames(SimulatedDirectory dir) {
        List<String> names = new ArrayList<>();
        for (String n : dir.list()) {
            if (Segment.parseName(n) > 0) {
                names.add(n);
            }
        }
        names.sort(null);
        return names;
    }
}
