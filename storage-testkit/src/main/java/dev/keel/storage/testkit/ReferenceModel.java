package dev.keel.storage.testkit;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.VersionNotRetainedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The store semantics of {@code storage-api}, written as plainly as possible, so that a backend can
 * be compared with it operation by operation.
 *
 * <p>What it pins:
 * <ul>
 *   <li>version 0 is the empty store; the first commit creates {@code initialVersion}, each later
 *       commit the next number; after a rollback to 0 the next commit is {@code initialVersion}
 *       again;</li>
 *   <li>the retained window is the {@code retainedVersions} most recent <em>existing</em>
 *       versions, where the existing versions are {@code {0} ∪ [initialVersion..latest]} minus
 *       whatever {@link #pruneBefore} released or {@link #rollbackTo} dropped; with a window of 3
 *       and initial version 1, commits 1 and 2 leave 0 retained, commit 3 releases it;</li>
 *   <li>within one change set the last operation on a key wins; deleting an absent key changes
 *       nothing; the empty value is a value, distinct from absence;</li>
 *   <li>{@link #rollbackTo} and {@link #pruneBefore} of a version outside the window throw
 *       {@link VersionNotRetainedException} and change nothing;</li>
 *   <li>{@link #install} (what an import does) leaves exactly one retained version.</li>
 * </ul>
 *
 * <p>It knows nothing about commitments, which are backend-specific; {@link ModelStore} adds one.
 *
 * <p>Every version's content is an immutable snapshot, so a {@link Snapshot} obtained earlier keeps
 * showing its version whatever happens later (that is how {@link ModelStore}'s views stay on their
 * version). Not thread-safe: callers serialise access.
 */
public final class ReferenceModel {
    private final long initialVersion;
    private int retainedVersions;
    /** The retained versions, oldest first. Never empty. */
    private final TreeMap<Long, Snapshot> versions = new TreeMap<>();

    /**
     * A fresh model holding only version 0.
     *
     * @param initialVersion the version of the first commit, at least 1
     * @param retainedVersions how many existing versions stay retained, at least 1
     * @throws IllegalArgumentException if a number is out of range
     */
    public ReferenceModel(long initialVersion, int retainedVersions) {
        if (initialVersion < 1) {
            throw new IllegalArgumentException("initial version must be >= 1: " + initialVersion);
        }
        if (retainedVersions < 1) {
            throw new IllegalArgumentException("retained versions must be >= 1: " + retainedVersions);
        }
        this.initialVersion = initialVersion;
        this.retainedVersions = retainedVersions;
        versions.put(0L, new Snapshot(0, Collections.unmodifiableNavigableMap(new TreeMap<>(KeyValue.KEY_ORDER)),
                CommitMetadata.EMPTY));
    }

    /** @return the version number of the first commit */
    public long initialVersion() {
        return initialVersion;
    }

    /** @return the size of the retained window */
    public int retainedVersions() {
        return retainedVersions;
    }

    /**
     * Changes the size of the window (a store reopened with another local setting); a smaller
     * window releases the oldest versions at once.
     *
     * @param window the new size, at least 1
     */
    public void setRetainedVersions(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("retained versions must be >= 1: " + window);
        }
        retainedVersions = window;
        trimWindow();
    }

    /** @return the latest version, 0 when nothing is committed */
    public long latestVersion() {
        return versions.lastKey();
    }

    /** @return the oldest retained version */
    public long oldestRetainedVersion() {
        return versions.firstKey();
    }

    /** @return true when the latest version is 0 */
    public boolean isEmpty() {
        return latestVersion() == 0;
    }

    /** @return the version the next commit creates */
    public long nextVersion() {
        long latest = latestVersion();
        return latest == 0 ? initialVersion : latest + 1;
    }

    /**
     * @param version a version number
     * @return whether {@link #snapshot} would return it
     */
    public boolean isRetained(long version) {
        return versions.containsKey(version);
    }

    /** @return the retained version numbers, oldest first */
    public List<Long> retainedVersionNumbers() {
        return List.copyOf(versions.keySet());
    }

    /**
     * @param version a retained version
     * @return its immutable snapshot
     * @throws VersionNotRetainedException if the version is not retained
     */
    public Snapshot snapshot(long version) {
        Snapshot s = versions.get(version);
        if (s == null) {
            throw new VersionNotRetainedException(version, oldestRetainedVersion(), latestVersion());
        }
        return s;
    }

    /** @return the snapshot of the latest version */
    public Snapshot latest() {
        return versions.lastEntry().getValue();
    }

    /**
     * Applies a change set as the next version, then releases versions that left the window.
     *
     * @param changes the operations (last one per key wins)
     * @param metadata what the version reflects
     * @return the new version number
     */
    public long commit(ChangeSet changes, CommitMetadata metadata) {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(metadata, "metadata");
        TreeMap<byte[], byte[]> content = new TreeMap<>(KeyValue.KEY_ORDER);
        content.putAll(latest().content());
        // Applying every operation in order (rather than only effective()) keeps the model
        // independent of ChangeSet's own de-duplication.
        for (Mutation m : changes.mutations()) {
            if (m.isPut()) {
                content.put(m.key(), m.value());
            } else {
                content.remove(m.key());
            }
        }
        long version = nextVersion();
        versions.put(version, new Snapshot(version, Collections.unmodifiableNavigableMap(content), metadata));
        trimWindow();
        return version;
    }

    /**
     * Drops every version newer than {@code version}.
     *
     * @param version a retained version
     * @throws VersionNotRetainedException if it is not retained (nothing changes)
     */
    public void rollbackTo(long version) {
        snapshot(version);
        versions.tailMap(version, false).clear();
    }

    /**
     * Releases every version older than {@code version}.
     *
     * @param version a retained version
     * @throws VersionNotRetainedException if it is not retained (nothing changes)
     */
    public void pruneBefore(long version) {
        snapshot(version);
        versions.headMap(version, false).clear();
    }

    /**
     * Replaces everything by one version, as an import does: it becomes the latest and the only
     * retained version.
     *
     * @param version the imported version number
     * @param content its content
     * @param metadata its metadata
     */
    public void install(long version, SortedMap<byte[], byte[]> content, CommitMetadata metadata) {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0: " + version);
        }
        TreeMap<byte[], byte[]> copy = new TreeMap<>(KeyValue.KEY_ORDER);
        for (Map.Entry<byte[], byte[]> e : content.entrySet()) {
            Limits.checkKey(e.getKey());
            Limits.checkValue(e.getValue());
            copy.put(e.getKey().clone(), e.getValue().clone());
        }
        versions.clear();
        versions.put(version, new Snapshot(version, Collections.unmodifiableNavigableMap(copy),
                Objects.requireNonNull(metadata, "metadata")));
    }

    private void trimWindow() {
        while (versions.size() > retainedVersions) {
            versions.pollFirstEntry();
        }
    }

    /**
     * One version's content and metadata. Immutable; the arrays it hands out are copies.
     */
    public static final class Snapshot {
        private final long version;
        private final NavigableMap<byte[], byte[]> content;
        private final CommitMetadata metadata;

        Snapshot(long version, NavigableMap<byte[], byte[]> content, CommitMetadata metadata) {
            this.version = version;
            this.content = content;
            this.metadata = metadata;
        }

        /** @return the version number */
        public long version() {
            return version;
        }

        /** @return the metadata committed with the version */
        public CommitMetadata metadata() {
            return metadata;
        }

        /** @return the number of keys */
        public int size() {
            return content.size();
        }

        /**
         * @param key a key
         * @return a copy of its value, or empty when absent
         */
        public Optional<byte[]> get(byte[] key) {
            byte[] v = content.get(key);
            return v == null ? Optional.empty() : Optional.of(v.clone());
        }

        /** @return every pair in key order */
        public List<KeyValue> entries() {
            return scan(null, null);
        }

        /**
         * @param fromInclusive first key, or null for the start
         * @param toExclusive bound, or null for the end
         * @return the pairs in {@code [fromInclusive, toExclusive)} in key order; empty when
         *     {@code fromInclusive >= toExclusive}
         */
        public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
            if (fromInclusive != null && toExclusive != null
                    && KeyValue.KEY_ORDER.compare(fromInclusive, toExclusive) >= 0) {
                return List.of();
            }
            NavigableMap<byte[], byte[]> range = content;
            if (fromInclusive != null) {
                range = range.tailMap(fromInclusive, true);
            }
            if (toExclusive != null) {
                range = range.headMap(toExclusive, false);
            }
            List<KeyValue> out = new ArrayList<>(range.size());
            for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
                out.add(new KeyValue(e.getKey(), e.getValue()));
            }
            return out;
        }

        /**
         * The live, unmodifiable content. Package-private because the arrays inside are shared:
         * only {@link ModelStore} and the model read it, and neither writes to the arrays.
         */
        NavigableMap<byte[], byte[]> content() {
            return content;
        }

        @Override
        public String toString() {
            return "Snapshot[version=" + version + ", " + content.size() + " keys]";
        }
    }
}
