package dev.keel.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a (possibly sharded) differential replay: every shard's result, the chain links
 * between consecutive shards, and one verdict for the whole history.
 *
 * <p>The run {@link Verdict#PASSED} only when every shard ran and passed and each shard's starting
 * digest equals the previous shard's ending digest (the chain makes the shards one comparison of
 * the whole history). Otherwise it is {@link Verdict#DIVERGED} (a shard diverged or a link
 * broke), else {@link Verdict#FAILED}, else {@link Verdict#NOT_RUN} (some shards did not run here:
 * merge their manifests to decide).
 *
 * <p>Immutable and thread-safe.
 *
 * @param history the history's description
 * @param versions the history's length
 * @param every the comparison interval
 * @param depth the digest depth
 * @param shards every shard's result, by index
 */
public record ParityReport(String history, long versions, int every, int depth, List<ShardResult> shards) {
    /**
     * @throws IllegalArgumentException if the shards do not tile {@code 0..versions} in order
     */
    public ParityReport {
        Objects.requireNonNull(history, "history");
        shards = List.copyOf(shards);
        long expectedFrom = 0;
        for (int i = 0; i < shards.size(); i++) {
            ShardResult s = shards.get(i);
            if (s.index() != i || s.fromVersion() != expectedFrom) {
                throw new IllegalArgumentException("shard " + i + " must start at version " + expectedFrom
                        + " with index " + i + ", found index " + s.index() + " from " + s.fromVersion());
            }
            expectedFrom = s.toVersion();
        }
        if (expectedFrom != versions || shards.isEmpty()) {
            throw new IllegalArgumentException("the shards cover versions 0.." + expectedFrom + ", not the history's 0.." + versions);
        }
    }

    /**
     * A link between shard {@code index - 1} and shard {@code index}.
     *
     * @param index the later shard's index
     * @param intact true when the earlier shard's end digest equals the later one's start digest;
     *     false when they differ; a link with a side unknown is not listed
     */
    public record Link(int index, boolean intact) {
    }

    /** @return the links whose both digests are known, in order */
    public List<Link> links() {
        List<Link> links = new ArrayList<>();
        for (int i = 1; i < shards.size(); i++) {
            String end = shards.get(i - 1).endDigest();
            String start = shards.get(i).startDigest();
            if (end != null && start != null) {
                links.add(new Link(i, end.equals(start)));
            }
        }
        return List.copyOf(links);
    }

    /** @return the verdict of the whole run, as described on the type */
    public Verdict verdict() {
        boolean failed = false;
        boolean notRun = false;
        for (ShardResult s : shards) {
            switch (s.verdict()) {
                case DIVERGED -> {
                    return Verdict.DIVERGED;
                }
                case FAILED -> failed = true;
                case NOT_RUN -> notRun = true;
                case PASSED -> { }
                default -> throw new IllegalStateException("unhandled verdict " + s.verdict());
            }
        }
        if (links().stream().anyMatch(l -> !l.intact())) {
            return Verdict.DIVERGED;
        }
        if (failed) {
            return Verdict.FAILED;
        }
        return notRun ? Verdict.NOT_RUN : Verdict.PASSED;
    }

    /** @return the diverged shard with the lowest index, if any */
    public java.util.Optional<ShardResult> firstDivergence() {
        return shards.stream().filter(s -> s.verdict() == Verdict.DIVERGED).findFirst();
    }

    /**
     * Combines reports of the same plan run in different places: each shard takes the result of
     * the report in which it ran.
     *
     * @param reports reports of one history, interval, depth and shard ranges
     * @return the merged report
     * @throws IllegalArgumentException if the reports describe different plans, or one shard ran in
     *     two reports with different outcomes
     */
    public static ParityReport merge(List<ParityReport> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        ParityReport first = reports.get(0);
        List<ShardResult> merged = new ArrayList<>(first.shards);
        for (ParityReport r : reports.subList(1, reports.size())) {
            if (!r.history.equals(first.history) || r.versions != first.versions || r.every != first.every
                    || r.depth != first.depth || r.shards.size() != first.shards.size()) {
                throw new IllegalArgumentException("cannot merge a report of '" + r.history + "' (" + r.shards.size()
                        + " shards, every " + r.every + ", depth " + r.depth + ") into one of '" + first.history + "' ("
                        + first.shards.size() + " shards, every " + first.every + ", depth " + first.depth + ")");
            }
            for (ShardResult s : r.shards) {
                ShardResult have = merged.get(s.index());
                if (have.toVersion() != s.toVersion()) {
                    throw new IllegalArgumentException("shard " + s.index() + " ends at " + have.toVersion()
                            + " in one report and at " + s.toVersion() + " in another");
                }
                if (!s.ran()) {
                    continue;
                }
                if (have.ran() && !have.equals(s)) {
                    throw new IllegalArgumentException("shard " + s.index() + " ran twice with different outcomes: "
                            + have.verdict().label() + " and " + s.verdict().label());
                }
                merged.set(s.index(), s);
            }
        }
        return new ParityReport(first.history, first.versions, first.every, first.depth, merged);
    }
}
