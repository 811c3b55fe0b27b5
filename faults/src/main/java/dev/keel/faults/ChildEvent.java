package dev.keel.faults;

import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.FallbackReason;
import dev.keel.storage.api.coldstart.ScrubReport;

/**
 * What a crash child reports on its side channel, one line each. Immutable and thread-safe.
 */
public sealed interface ChildEvent {
    /** @return the side-channel line */
    String toLine();

    /**
     * A proposal whose future completed successfully: durable, committed and applied as
     * {@code version}. Written only after the completion.
     *
     * @param id the proposal
     * @param version the store version its entry created
     */
    record Ack(ProposalId id, long version) implements ChildEvent {
        @Override
        public String toLine() {
            return "ack " + id + " " + version;
        }
    }

    /**
     * The child's engine became ready after this cold start.
     *
     * @param outcome the gate's outcome
     * @param reason the fallback reason
     * @param snapshotIndex {@code S.i}, or -1
     * @param have the store's applied index, or -1
     * @param lastIndex {@code L}
     * @param floor where replay started
     * @param commitIndex the commit index replay went to
     */
    record Ready(ColdStartOutcome outcome, FallbackReason reason, long snapshotIndex, long have, long lastIndex, long floor,
                 long commitIndex) implements ChildEvent {
        /**
         * @param r a cold-start report
         * @return its event
         */
        public static Ready of(ColdStartReport r) {
            return new Ready(r.outcome(), r.reason(), r.snapshotIndex(), r.have(), r.lastIndex(), r.floor(),
                    r.commitIndex());
        }

        @Override
        public String toLine() {
            return "ready " + outcome + " " + reason + " " + snapshotIndex + " " + have + " " + lastIndex + " " + floor
                    + " " + commitIndex;
        }
    }

    /**
     * A background snapshot scrub ended.
     *
     * @param snapshotIndex the scrubbed snapshot's index
     * @param passed whether the full check passed
     * @param failure the failure, empty when it passed (spaces and newlines replaced)
     */
    record Scrub(long snapshotIndex, boolean passed, String failure) implements ChildEvent {
        /**
         * @param r a scrub report
         * @return its event
         */
        public static Scrub of(ScrubReport r) {
            return new Scrub(r.snapshotIndex(), r.passed(), r.failure().replaceAll("\\s", "_"));
        }

        @Override
        public String toLine() {
            return "scrub " + snapshotIndex + " " + passed + (failure.isEmpty() ? "" : " " + failure);
        }
    }

    /**
     * @param line a line an event's {@link #toLine()} wrote
     * @return the event
     * @throws IllegalArgumentException if the line is not an event
     */
    static ChildEvent parse(String line) {
        String[] p = line.split(" ");
        try {
            switch (p[0]) {
                case "ack":
                    if (p.length == 3) {
                        return new Ack(ProposalId.parse(p[1]), Long.parseLong(p[2]));
                    }
                    break;
                case "ready":
                    if (p.length == 8) {
                        return new Ready(ColdStartOutcome.valueOf(p[1]), FallbackReason.valueOf(p[2]), Long.parseLong(p[3]),
                                Long.parseLong(p[4]), Long.parseLong(p[5]), Long.parseLong(p[6]), Long.parseLong(p[7]));
                    }
                    break;
                case "scrub":
                    if (p.length == 3 || p.length == 4) {
                        return new Scrub(Long.parseLong(p[1]), Boolean.parseBoolean(p[2]), p.length == 4 ? p[3] : "");
                    }
                    break;
                default:
                    break;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a child event: '" + line + "'", e);
        }
        throw new IllegalArgumentException("not a child event: '" + line + "'");
    }
}
