package dev.keel.storage.api.consensus;

import java.util.Objects;

/**
 * The consensus state that must survive a restart: current term, the vote cast in it, and the
 * highest index known to be committed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param term the current term, at least 0
 * @param votedFor the node voted for in {@code term}, or {@link #NO_VOTE}
 * @param commitIndex the highest index known committed, at least 0
 */
public record HardState(long term, String votedFor, long commitIndex) {
    /** {@link #votedFor} when no vote was cast. */
    public static final String NO_VOTE = "";
    /** The hard state of a log that has never recorded one. */
    public static final HardState EMPTY = new HardState(0, NO_VOTE, 0);

    /** @throws IllegalArgumentException if a number is negative */
    public HardState {
        if (term < 0 || commitIndex < 0) {
            throw new IllegalArgumentException("term and commit index must be >= 0: " + term + "/" + commitIndex);
        }
        Objects.requireNonNull(votedFor, "votedFor");
    }
}
