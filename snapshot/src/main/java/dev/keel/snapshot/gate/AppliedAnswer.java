package dev.keel.snapshot.gate;

import dev.keel.storage.api.CommitMetadata;
import java.util.Objects;
import java.util.Optional;

/**
 * What the state machine said about its own durable position, through its optional
 * {@link dev.keel.storage.api.consensus.AppliedIndexReader}: nothing (no reader), an error,
 * absent, or {@code (have, haveTerm)}. Immutable and thread-safe.
 */
public sealed interface AppliedAnswer {
    /** The state machine does not implement {@code AppliedIndexReader}. */
    record NoReader() implements AppliedAnswer {
    }

    /**
     * Reading failed.
     *
     * @param cause what failed, for the error message
     */
    record ReadError(String cause) implements AppliedAnswer {
        /** @throws NullPointerException if the cause is null */
        public ReadError {
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** The state records no applied position. */
    record Absent() implements AppliedAnswer {
    }

    /**
     * The state reflects the log up to {@code index}, whose term is {@code term}.
     *
     * @param index {@code have}, at least 1
     * @param term {@code haveTerm}, at least 1
     */
    record Have(long index, long term) implements AppliedAnswer {
        /** @throws IllegalArgumentException if index or term is below 1 (that is {@link Absent}) */
        public Have {
            if (index < 1 || term < 1) {
                throw new IllegalArgumentException("an applied position has index and term >= 1: " + index + "/" + term);
            }
        }
    }

    /** @return the answer of a state machine without a reader */
    static AppliedAnswer noReader() {
        return new NoReader();
    }

    /** @return the answer when the state records no position */
    static AppliedAnswer absent() {
        return new Absent();
    }

    /**
     * @param cause what failed
     * @return the answer when reading failed
     */
    static AppliedAnswer readError(String cause) {
        return new ReadError(cause);
    }

    /**
     * @param index {@code have}
     * @param term {@code haveTerm}
     * @return the answer for a known position
     */
    static AppliedAnswer have(long index, long term) {
        return new Have(index, term);
    }

    /**
     * Maps a reader's result. Metadata at applied index 0 records no consensus position (a store
     * written without consensus), so it is {@link Absent}: treating it as "applied nothing" would
     * replay the whole log over data the log did not produce.
     *
     * @param metadata what the reader returned
     * @return {@link Absent} or {@link Have}
     */
    static AppliedAnswer of(Optional<CommitMetadata> metadata) {
        return metadata.filter(m -> m.appliedIndex() > 0 && m.appliedTerm() > 0)
                .<AppliedAnswer>map(m -> new Have(m.appliedIndex(), m.appliedTerm()))
                .orElseGet(Absent::new);
    }
}
