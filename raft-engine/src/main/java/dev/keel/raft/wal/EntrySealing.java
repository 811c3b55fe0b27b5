package dev.keel.raft.wal;

import dev.keel.storage.api.consensus.LogEntry;
import java.nio.ByteBuffer;

/**
 * The associated data of a sealed WAL entry: {@code "KWALENTR" ‖ log id (16 bytes) ‖ record type
 * (u8, 2 = entry) ‖ entry type (u8) ‖ key id (u32) ‖ index (u64) ‖ term (u64)}, big-endian. A box
 * moved to another index, term or log, relabelled with another key or entry type, or replayed from
 * elsewhere, fails to open. Stateless.
 */
final class EntrySealing {
    private static final byte[] DOMAIN = {'K', 'W', 'A', 'L', 'E', 'N', 'T', 'R'};
    static final int AAD_BYTES = DOMAIN.length + WalProto.LOG_ID_BYTES + 1 + 1 + 4 + 8 + 8;

    private EntrySealing() {
    }

    static byte[] associatedData(byte[] logId, LogEntry.Type type, int keyId, long index, long term) {
        return ByteBuffer.allocate(AAD_BYTES).put(DOMAIN).put(logId).put(RecordFrame.ENTRY).put((byte) type.ordinal())
                .putInt(keyId).putLong(index).putLong(term).array();
    }
}
