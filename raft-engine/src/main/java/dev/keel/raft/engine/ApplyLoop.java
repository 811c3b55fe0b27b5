package dev.keel.raft.engine;

import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.StateMachine;
import dev.keel.storage.api.consensus.VolatileEntryClassifier;
import java.util.Objects;
import java.util.Optional;

/**
 * Feeds committed entries to a {@link StateMachine} in index order (SPEC section 2, "Apply loop").
 * <ul>
 *   <li>The applied index only moves forward, one index at a time: an entry beyond
 *       {@code applied + 1} is an {@link IllegalStateException} (a gap).</li>
 *   <li>An entry at or below the applied index is a duplicate and is not applied, except a
 *       volatile one (per the state machine's {@link VolatileEntryClassifier}), which is re-applied
 *       for its in-memory effect without moving the applied index or producing a result (so no
 *       proposal completes).</li>
 * </ul>
 * Not thread-safe: owned by the engine's single apply thread.
 */
final class ApplyLoop {
    private final StateMachine stateMachine;
    private final VolatileEntryClassifier classifier;
    private final EngineListener listener;
    private long appliedIndex;

    /**
     * @param stateMachine the state machine
     * @param appliedIndex the index its state reflects (the cold-start floor)
     */
    ApplyLoop(StateMachine stateMachine, long appliedIndex) {
        this(stateMachine, appliedIndex, EngineListener.NONE);
    }

    /**
     * @param stateMachine the state machine
     * @param appliedIndex the index its state reflects (the cold-start floor)
     * @param listener told of each entry applied and each duplicate
     */
    ApplyLoop(StateMachine stateMachine, long appliedIndex, EngineListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
        this.classifier = stateMachine instanceof VolatileEntryClassifier c ? c : null;
        if (appliedIndex < 0) {
            throw new IllegalArgumentException("applied index must be >= 0: " + appliedIndex);
        }
        this.appliedIndex = appliedIndex;
    }

    /** @return the index of the last entry applied (not re-applied) */
    long appliedIndex() {
        return appliedIndex;
    }

    /**
     * @param entry a committed entry
     * @return the state machine's result when the entry was applied as new; empty for a duplicate
     *     (skipped, or re-applied for its effect when volatile)
     * @throws IllegalStateException if the entry leaves a gap after the applied index
     */
    Optional<byte[]> apply(LogEntry entry) {
        if (entry.index() <= appliedIndex) {
            boolean reapply = classifier != null && classifier.isVolatile(entry);
            if (reapply) {
                stateMachine.apply(entry);
            }
            listener.duplicate(entry.index(), reapply);
            return Optional.empty();
        }
        if (entry.index() != appliedIndex + 1) {
            throw new IllegalStateException("entry " + entry.index() + " leaves a gap after applied index " + appliedIndex);
        }
        long t0 = System.nanoTime();
        byte[] result = stateMachine.apply(entry);
        appliedIndex = entry.index();
        listener.applied(appliedIndex, System.nanoTime() - t0);
        return Optional.of(result);
    }
}
