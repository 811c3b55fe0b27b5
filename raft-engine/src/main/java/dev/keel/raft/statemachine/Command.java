package dev.keel.raft.statemachine;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import java.util.List;
import java.util.Objects;

/**
 * What a log entry's payload asks of a {@link StoreStateMachine}, as encoded by {@link CommandCodec}.
 * Every command except {@link HlcLease} is exactly one store version when applied; a lease is
 * volatile (it only raises the in-memory clock ceiling). Immutable and thread-safe.
 */
public sealed interface Command {
    /**
     * A block of puts and deletes, applied atomically as one version (later operations on a key win).
     * A proposer packs many client operations into one block.
     *
     * @param mutations the operations in the order they apply; may be empty
     */
    record Block(List<Mutation> mutations) implements Command {
        /** @throws NullPointerException if the list or an operation is null */
        public Block {
            mutations = List.copyOf(mutations);
        }

        /** @return the operations as a change set */
        public ChangeSet changes() {
            return ChangeSet.of(mutations);
        }
    }

    /**
     * Makes {@code keyId} the active sealing key; the first rotation also sets the cutover index
     * to its own entry's index. An empty change set.
     *
     * @param keyId the new active key id, positive
     */
    record KeyRotation(int keyId) implements Command {
        /** @throws IllegalArgumentException if the key id is not positive */
        public KeyRotation {
            if (keyId <= 0) {
                throw new IllegalArgumentException("key id must be > 0: " + keyId);
            }
        }
    }

    /**
     * Raises the hybrid-clock physical ceiling; volatile (no version).
     *
     * @param ceiling the packed hybrid timestamp the ceiling rises to, at least 0
     */
    record HlcLease(long ceiling) implements Command {
        /** @throws IllegalArgumentException if the ceiling is negative */
        public HlcLease {
            if (ceiling < 0) {
                throw new IllegalArgumentException("ceiling must be >= 0: " + ceiling);
            }
        }
    }

    /**
     * The membership from this entry on; carried by {@code LogEntry.Type.CONFIG} entries only. An
     * empty change set.
     *
     * @param membership the new membership
     */
    record MembershipChange(Membership membership) implements Command {
        /** @throws NullPointerException if the membership is null */
        public MembershipChange {
            Objects.requireNonNull(membership, "membership");
        }
    }
}
