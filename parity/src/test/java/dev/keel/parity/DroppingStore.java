package dev.keel.parity;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.VersionedStore;
import java.util.Arrays;

/**
 * A deliberately corrupted backend: when committing {@code version}, silently drops the first put
 * that would change the key's value, and remembers what it dropped and what the key held.
 */
final class DroppingStore extends ForwardingStore {
    private final long version;
    byte[] droppedKey;
    byte[] droppedValue;
    byte[] keptValue;

    DroppingStore(VersionedStore delegate, long version) {
        super(delegate);
        this.version = version;
    }

    @Override
    public CommitInfo commit(ChangeSet changes, CommitMetadata metadata) {
        if (delegate.latestVersion() + 1 != version || droppedKey != null) {
            return delegate.commit(changes, metadata);
        }
        ChangeSet.Builder kept = ChangeSet.builder();
        for (Mutation m : changes.effective()) {
            byte[] before = delegate.get(m.key()).orElse(null);
            if (droppedKey == null && m.isPut() && !Arrays.equals(before, m.value())) {
                droppedKey = m.key();
                droppedValue = m.value();
                keptValue = before;
                continue;
            }
            kept.add(m);
        }
        return delegate.commit(kept.build(), metadata);
    }
}
