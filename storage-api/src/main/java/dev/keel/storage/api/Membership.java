package dev.keel.storage.api;

import java.util.List;
import java.util.Objects;

/**
 * The cluster membership a version reflects: the voters and learners by node id, in the order
 * the configuration entry listed them.
 *
 * <p>It is stored in every version's {@link CommitMetadata}, so after any restart the membership
 * is the one at the store's applied index, refined by the configuration entries replayed after
 * it. An empty membership means none has been configured (a fresh store or a standalone engine).
 *
 * <p>Immutable and thread-safe.
 *
 * @param voters node ids that vote, without duplicates
 * @param learners node ids that replicate without voting, disjoint from {@code voters}
 */
public record Membership(List<String> voters, List<String> learners) {
    /** No membership configured. */
    public static final Membership NONE = new Membership(List.of(), List.of());

    /**
     * @throws NullPointerException if a list or an id is null
     * @throws IllegalArgumentException if an id is empty, repeated, or both voter and learner
     */
    public Membership {
        voters = List.copyOf(voters);
        learners = List.copyOf(learners);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String id : voters) {
            checkId(id, seen);
        }
        for (String id : learners) {
            checkId(id, seen);
        }
    }

    private static void checkId(String id, java.util.Set<String> seen) {
        Objects.requireNonNull(id, "node id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("node id must not be empty");
        }
        if (!seen.add(id)) {
            throw new IllegalArgumentException("node id '" + id + "' appears twice in the membership");
        }
    }

    /** @return true when no node is configured */
    public boolean isEmpty() {
        return voters.isEmpty() && learners.isEmpty();
    }
}
