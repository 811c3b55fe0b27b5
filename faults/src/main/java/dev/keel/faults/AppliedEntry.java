package dev.keel.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * One log entry as the state machine was about to apply it: its position and the proposals its
 * block carries, in the order they apply. A line of the applied-entry journal. Immutable and
 * thread-safe.
 *
 * @param index the entry's log index
 * @param term the entry's term
 * @param proposals the proposals the entry's block carries, in order
 */
public record AppliedEntry(long index, long term, List<ProposalId> proposals) {
    /** @throws IllegalArgumentException if the index is below 1 or the term negative */
    public AppliedEntry {
        if (index < 1 || term < 0) {
            throw new IllegalArgumentException("index must be >= 1 and term >= 0: " + index + "/" + term);
        }
        proposals = List.copyOf(proposals);
    }

    /** @return the journal line: {@code index term id,id,...} ({@code -} for no proposal) */
    public String toLine() {
        StringBuilder sb = new StringBuilder().append(index).append(' ').append(term).append(' ');
        if (proposals.isEmpty()) {
            sb.append('-');
        }
        for (int i = 0; i < proposals.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(proposals.get(i));
        }
        return sb.toString();
    }

    /**
     * @param line a line {@link #toLine()} wrote
     * @return the entry
     * @throws IllegalArgumentException if the line is malformed
     */
    public static AppliedEntry parse(String line) {
        String[] parts = line.split(" ");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not an applied-entry line: '" + line + "'");
        }
        List<ProposalId> ids = new ArrayList<>();
        if (!parts[2].equals("-")) {
            for (String id : parts[2].split(",")) {
                ids.add(ProposalId.parse(id));
            }
        }
        try {
            return new AppliedEntry(Long.parseLong(parts[0]), Long.parseLong(parts[1]), ids);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an applied-entry line: '" + line + "'", e);
        }
    }
}
