package dev.keel.cli.fakestore;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The store of {@link FakeStoreProvider}: every retained version is a full copy of the data
 * (fine for the few thousand keys of a test), and the commitment is SHA-256 over the sorted
 * (key, value) pairs. Only what the CLI uses is implemented.
 */
final class FakeStore implements VersionedStore {
    static final String SCHEME = "cli-fake-sha256";

    private final State state;
    private final int retainedVersions;
    private final FakeStoreProvider.Fault fault;
    private boolean closed;

    FakeStore(State state, int retainedVersions, FakeStoreProvider.Fault fault) {
        this.state = state;
        this.retainedVersions = retainedVersions;
        this.fault = fault;
    }

    /** One retained version. */
    record Version(long number, NavigableMap<byte[], byte[]> data, Commitment commitment, CommitMetadata metadata) {
        CommitInfo info() {
            return new CommitInfo(number, commitment, metadata);
        }
    }

    /** What a directory holds, shared by the stores opened on it one after the other. */
    static final class State {
        private final long initialVersion;
        private final List<Version> versions = new ArrayList<>();

        State(long initialVersion) {
            this.initialVersion = initialVersion;
            NavigableMap<byte[], byte[]> empty = Collections.unmodifiableNavigableMap(new TreeMap<>(KeyValue.KEY_ORDER));
            versions.add(new Version(0, empty, commitmentOf(empty), CommitMetadata.EMPTY));
        }

        long initialVersion() {
            return initialVersion;
        }

        synchronized void dropLatest() {
            if (versions.size() > 1) {
                versions.remove(versions.size() - 1);
            }
        }

        synchronized Version latest() {
            return versions.get(versions.size() - 1);
        }

        synchronized long oldest() {
            return versions.get(0).number();
        }

        synchronized Optional<Version> find(long number) {
            return versions.stream().filter(v -> v.number() == number).findFirst();
        }

        synchronized Version commit(ChangeSet changes, CommitMetadata metadata, int retained) {
            Version latest = latest();
            TreeMap<byte[], byte[]> data = new TreeMap<>(KeyValue.KEY_ORDER);
            data.putAll(latest.data());
            for (Mutation m : changes.effective()) {
                if (m.isPut()) {
                    data.put(m.key(), m.value());
                } else {
                    data.remove(m.key());
                }
            }
            long number = latest.number() == 0 ? initialVersion : latest.number() + 1;
            NavigableMap<byte[], byte[]> frozen = Collections.unmodifiableNavigableMap(data);
            Version next = new Version(number, frozen, commitmentOf(frozen), metadata);
            versions.add(next);
            while (versions.size() > retained) {
                versions.remove(0);
            }
            return next;
        }
    }

    @Override
    public String backend() {
        return FakeStoreProvider.NAME;
    }

    @Override
    public String commitmentScheme() {
        return SCHEME;
    }

    @Override
    public long initialVersion() {
        checkOpen();
        return state.initialVersion();
    }

    @Override
    public long latestVersion() {
        checkOpen();
        return state.latest().number();
    }

    @Override
    public long oldestRetainedVersion() {
        checkOpen();
        return state.oldest();
    }

    @Override
    public CommitInfo latest() {
        checkOpen();
        return state.latest().info();
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        checkOpen();
        Limits.checkKey(key);
        return Optional.ofNullable(state.latest().data().get(key)).map(byte[]::clone);
    }

    @Override
    public StoreView view(long version) {
        checkOpen();
        Version latest = state.latest();
        Version v = state.find(version)
                .orElseThrow(() -> new VersionNotRetainedException(version, state.oldest(), latest.number()));
        boolean older = v.number() < latest.number();
        if (older && fault == FakeStoreProvider.Fault.WRONG_COMMITMENT_IN_VIEWS) {
            byte[] wrong = v.commitment().bytes();
            wrong[0] ^= 1;
            v = new Version(v.number(), v.data(), new Commitment(SCHEME, wrong), v.metadata());
        } else if (older && fault == FakeStoreProvider.Fault.LATEST_DATA_IN_VIEWS) {
            v = new Version(v.number(), latest.data(), v.commitment(), v.metadata());
        }
        return new View(v);
    }

    @Override
    public CommitInfo commit(ChangeSet changes, CommitMetadata metadata) {
        checkOpen();
        return state.commit(changes, metadata, retainedVersions).info();
    }

    @Override
    public void rollbackTo(long version) {
        throw new UnsupportedOperationException("not needed by the CLI tests");
    }

    @Override
    public void pruneBefore(long version) {
        throw new UnsupportedOperationException("not needed by the CLI tests");
    }

    @Override
    public StoreExport export(long version) {
        throw new UnsupportedOperationException("not needed by the CLI tests");
    }

    @Override
    public StoreExport exportLogical(long version) {
        throw new UnsupportedOperationException("not needed by the CLI tests");
    }

    @Override
    public CommitInfo importFrom(ImportSource source, ProgressListener progress) {
        throw new UnsupportedOperationException("not needed by the CLI tests");
    }

    @Override
    public CommitInfo replaceFrom(ImportSource source, ProgressListener progress) {
        throw new UnsupportedOperationException("not needed by the CLI tests");
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the fake store is closed");
        }
    }

    private static Commitment commitmentOf(NavigableMap<byte[], byte[]> data) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<byte[], byte[]> e : data.entrySet()) {
                sha.update(ByteBuffer.allocate(4).putInt(e.getKey().length).array());
                sha.update(e.getKey());
                sha.update(ByteBuffer.allocate(4).putInt(e.getValue().length).array());
                sha.update(e.getValue());
            }
            return new Commitment(SCHEME, sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private final class View implements StoreView {
        private final Version version;
        private boolean viewClosed;

        View(Version version) {
            this.version = version;
        }

        @Override
        public long version() {
            checkViewOpen();
            return version.number();
        }

        @Override
        public Commitment commitment() {
            checkViewOpen();
            return version.commitment();
        }

        @Override
        public CommitMetadata metadata() {
            checkViewOpen();
            return version.metadata();
        }

        @Override
        public Optional<byte[]> get(byte[] key) {
            checkViewOpen();
            Limits.checkKey(key);
            return Optional.ofNullable(version.data().get(key)).map(byte[]::clone);
        }

        @Override
        public KeyValueIterator scan(byte[] fromInclusive, byte[] toExclusive) {
            checkViewOpen();
            NavigableMap<byte[], byte[]> range = version.data();
            if (fromInclusive != null) {
                range = range.tailMap(fromInclusive, true);
            }
            if (toExclusive != null) {
                range = range.headMap(toExclusive, false);
            }
            Iterator<Map.Entry<byte[], byte[]>> entries = range.entrySet().iterator();
            return new KeyValueIterator() {
                private boolean iteratorClosed;

                @Override
                public boolean hasNext() {
                    checkIteratorOpen();
                    return entries.hasNext();
                }

                @Override
                public KeyValue next() {
                    checkIteratorOpen();
                    if (!entries.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Map.Entry<byte[], byte[]> e = entries.next();
                    return new KeyValue(e.getKey(), e.getValue());
                }

                @Override
                public void close() {
                    iteratorClosed = true;
                }

                private void checkIteratorOpen() {
                    checkViewOpen();
                    if (iteratorClosed) {
                        throw new IllegalStateException("the iterator is closed");
                    }
                }
            };
        }

        @Override
        public void close() {
            viewClosed = true;
        }

        private void checkViewOpen() {
            checkOpen();
            if (viewClosed) {
                throw new IllegalStateException("the view is closed");
            }
        }
    }
}
