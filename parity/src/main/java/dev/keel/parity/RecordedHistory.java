package dev.keel.parity;

import dev.keel.storage.api.ChangeSet;
import java.util.List;
import java.util.Objects;

/**
 * A history held in memory, e.g. the batches of an operations file.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecordedHistory implements ReplayHistory {
    private final List<ChangeSet> batches;
    private final String description;

    /**
     * @param batches the change set of version 1, 2, ... in order
     * @param description where they come from, for reports
     */
    public RecordedHistory(List<ChangeSet> batches, String description) {
        this.batches = List.copyOf(Objects.requireNonNull(batches, "batches"));
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public long versions() {
        return batches.size();
    }

    @Override
    public ChangeSet batch(long version) {
        if (version < 1 || version > batches.size()) {
            throw new IndexOutOfBoundsException("version " + version + " is outside the history (1.." + batches.size() + ")");
        }
        return batches.get((int) (version - 1));
    }

    @Override
    public String describe() {
        return description;
    }
}
