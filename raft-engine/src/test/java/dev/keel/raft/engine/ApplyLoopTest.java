package dev.keel.raft.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.StateMachine;
import dev.keel.storage.api.consensus.VolatileEntryClassifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyLoopTest {
    /** Records every entry it is given; payload "v" marks a volatile entry. */
    static final class Recording implements StateMachine, VolatileEntryClassifier {
        final List<Long> applied = new ArrayList<>();

        @Override
        public boolean isEmpty() {
            return applied.isEmpty();
        }

        @Override
        public byte[] apply(LogEntry entry) {
            applied.add(entry.index());
            return new byte[] {(byte) entry.index()};
        }

        @Override
        public boolean isVolatile(LogEntry entry) {
            return entry.payloadLength() == 1 && entry.payload()[0] == 'v';
        }

        @Override
        public StoreExport exportSnapshot() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CommitInfo installSnapshot(ImportSource source, ProgressListener progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private static LogEntry data(long i) {
        return new LogEntry(i, 1, LogEntry.Type.NORMAL, new byte[] {'d'});
    }

    private static LogEntry lease(long i) {
        return new LogEntry(i, 1, LogEntry.Type.NORMAL, new byte[] {'v'});
    }

    @Test
    void appliesInIndexOrderAndAdvancesTheAppliedIndex() {
        Recording sm = new Recording();
        ApplyLoop loop = new ApplyLoop(sm, 0);
        assertEquals(1, loop.apply(data(1)).orElseThrow()[0]);
        assertTrue(loop.apply(lease(2)).isPresent(), "a new volatile entry is applied normally");
        assertEquals(2, loop.appliedIndex());
        assertEquals(List.of(1L, 2L), sm.applied);
    }

    @Test
    void neverReappliesANonVolatileDuplicate() {
        Recording sm = new Recording();
        ApplyLoop loop = new ApplyLoop(sm, 5);
        assertTrue(loop.apply(data(4)).isEmpty());
        assertTrue(loop.apply(data(5)).isEmpty());
        assertEquals(List.of(), sm.applied);
        assertEquals(5, loop.appliedIndex());
    }

    @Test
    void reappliesAVolatileDuplicateForItsEffectWithoutMovingTheIndexOrProducingAResult() {
        Recording sm = new Recording();
        ApplyLoop loop = new ApplyLoop(sm, 5);
        assertTrue(loop.apply(lease(3)).isEmpty(), "no result: no proposal completes");
        assertEquals(List.of(3L), sm.applied);
        assertEquals(5, loop.appliedIndex());
    }

    @Test
    void refusesAGapAfterTheAppliedIndex() {
        Recording sm = new Recording();
        ApplyLoop loop = new ApplyLoop(sm, 2);
        assertThrows(IllegalStateException.class, () -> loop.apply(data(4)));
        assertEquals(List.of(), sm.applied);
        assertEquals(2, loop.appliedIndex());
    }

    @Test
    void withoutAClassifierNoDuplicateIsReapplied() {
        Recording inner = new Recording();
        StateMachine plain = new StateMachine() {
            @Override
            public boolean isEmpty() {
                return inner.isEmpty();
            }

            @Override
            public byte[] apply(LogEntry entry) {
                return inner.apply(entry);
            }

            @Override
            public StoreExport exportSnapshot() {
                throw new UnsupportedOperationException();
            }

            @Override
            public CommitInfo installSnapshot(ImportSource source, ProgressListener progress) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
        ApplyLoop loop = new ApplyLoop(plain, 3);
        loop.apply(lease(2));
        assertEquals(List.of(), inner.applied);
    }
}
