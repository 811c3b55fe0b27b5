package dev.keel.faults;

/**
 * Names one proposal of the crash workload: the client that proposed it and its place in that
 * client's sequence. A client proposes its sequence numbers in order, starting where the recovered
 * history left off, so the proposals of a client that a store holds are always {@code 0..n-1}.
 * Immutable and thread-safe.
 *
 * @param client the client number, at least 0
 * @param seq the proposal's number within the client's sequence, at least 0
 */
public record ProposalId(int client, long seq) {
    /** @throws IllegalArgumentException if a number is negative */
    public ProposalId {
        if (client < 0 || seq < 0) {
            throw new IllegalArgumentException("client and seq must be >= 0: " + client + "/" + seq);
        }
    }

    /**
     * @param text {@code client:seq}, as {@link #toString()} writes it
     * @return the id
     * @throws IllegalArgumentException if the text is not an id
     */
    public static ProposalId parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon != text.lastIndexOf(':')) {
            throw new IllegalArgumentException("not a proposal id: '" + text + "'");
        }
        try {
            return new ProposalId(Integer.parseInt(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a proposal id: '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return client + ":" + seq;
    }
}
