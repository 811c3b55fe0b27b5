package dev.keel.snapshot.gate;

import java.util.Map;
import java.util.OptionalLong;

/**
 * The terms of the durable log's entries. The gate asks only for indexes {@code F ≤ i ≤ Llog};
 * implementations must be deterministic (the gate is a pure function of them). An empty answer
 * means the term cannot be read, and the gate then treats it as unknown.
 */
@FunctionalInterface
public interface LogTerms {
    /**
     * @param index a log index in {@code [F, Llog]}
     * @return its term, or empty when unknown
     */
    OptionalLong termAt(long index);

    /**
     * @param terms index to term
     * @return a lookup over a copy of the map
     */
    static LogTerms of(Map<Long, Long> terms) {
        Map<Long, Long> copy = Map.copyOf(terms);
        return index -> {
            Long term = copy.get(index);
            return term == null ? OptionalLong.empty() : OptionalLong.of(term);
        };
    }
}
