package dev.keel.storage.api.consensus;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log.
 *
 * <p>Whether a {@link Type#NORMAL} entry is data, a key rotation or volatile is the state
 * machine's reading of its (decrypted) payload; the log only distinguishes configuration entries.
 * An entry's payload is at most {@link #MAX_PAYLOAD_BYTES}.
 *
 * <p>Immutable (the payload is copied in and out) and thread-safe.
 *
 * @param index the log index, at least 1
 * @param term the term in which the entry was proposed, at least 1
 * @param type normal or configuration
 * @param payload the entry bytes (cleartext; sealing happens inside the log)
 */
public record LogEntry(long index, long term, Type type, byte[] payload) {
    /** Largest payload, in bytes (32 MiB). */
    public static final int MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;

    /** What the log knows about an entry's kind. */
    public enum Type {
        /** An entry for the state machine. */
        NORMAL,
        /** A cluster membership change. */
        CONFIG
    }

    /** @throws IllegalArgumentException if index or term is below 1 or the payload is too large */
    public LogEntry {
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("log index and term must be >= 1: " + index + "/" + term);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("entry payload of " + payload.length + " bytes exceeds the limit of " + MAX_PAYLOAD_BYTES);
        }
        payload = payload.clone();
    }

    /** @return a copy of the payload */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** @return the payload length in bytes, without copying */
    public int payloadLength() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && index == e.index && term == e.term && type == e.type
                && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, type, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "LogEntry[index=" + index + ", term=" + term + ", type=" + type + ", payload=" + payload.length + "B]";
    }
}
