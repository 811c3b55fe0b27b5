package dev.keel.parity;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionedStore;
import java.util.Optional;

/** Delegates everything; tests override one method to plant a fault in a real backend. */
class ForwardingStore implements VersionedStore {
    final VersionedStore delegate;

    ForwardingStore(VersionedStore delegate) {
        this.delegate = delegate;
    }

    @Override public String backend() { return delegate.backend(); }
    @Override public String commitmentScheme() { return delegate.commitmentScheme(); }
    @Override public long initialVersion() { return delegate.initialVersion(); }
    @Override public long latestVersion() { return delegate.latestVersion(); }
    @Override public long oldestRetainedVersion() { return delegate.oldestRetainedVersion(); }
    @Override public CommitInfo latest() { return delegate.latest(); }
    @Override public Optional<byte[]> get(byte[] key) { return delegate.get(key); }
    @Override public StoreView view(long version) { return delegate.view(version); }
    @Override public CommitInfo commit(ChangeSet changes, CommitMetadata metadata) { return delegate.commit(changes, metadata); }
    @Override public void rollbackTo(long version) { delegate.rollbackTo(version); }
    @Override public void pruneBefore(long version) { delegate.pruneBefore(version); }
    @Override public StoreExport export(long version) { return delegate.export(version); }
    @Override public StoreExport exportLogical(long version) { return delegate.exportLogical(version); }
    @Override public CommitInfo importFrom(ImportSource source, ProgressListener progress) { return delegate.importFrom(source, progress); }
    @Override public CommitInfo replaceFrom(ImportSource source, ProgressListener progress) { return delegate.replaceFrom(source, progress); }
    @Override public void close() { delegate.close(); }
}
