package dev.keel.storage.api.consensus;

/**
 * Optional capability of a {@link StateMachine}: names the entries whose only effect is in memory
 * (an HLC lease, for instance). Such entries create no store version and are re-applied when they
 * are replayed as duplicates after a restart, without moving the applied index or completing a
 * proposal. Without this capability no entry is volatile.
 *
 * <p>Called from the engine's apply thread with the decrypted entry; must be a pure function of
 * the entry.
 */
public interface VolatileEntryClassifier {
    /**
     * @param entry a committed entry, payload in cleartext
     * @return true when the entry's effect is in memory only
     */
    boolean isVolatile(LogEntry entry);
}
