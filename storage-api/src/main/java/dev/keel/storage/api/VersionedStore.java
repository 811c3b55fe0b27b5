package dev.keel.storage.api;

import java.util.Optional;

/**
 * A versioned key-value store whose every committed version carries a state {@link Commitment}.
 *
 * <h2>Versions</h2>
 * Version 0 is the empty store. The first commit creates version {@link StoreOptions#initialVersion}
 * (1 unless the genesis configuration says otherwise); each later commit creates the next number.
 * A crash at any point leaves either the old or the new version, never a mix.
 *
 * <h2>Retained versions</h2>
 * The versions that exist are 0 and {@code initialVersion..latestVersion()}. After each commit the
 * store keeps the {@link StoreOptions#retainedVersions} most recent of them readable through
 * {@link #view(long)}; {@link #pruneBefore} releases more, and a released version stays released
 * (later commits never bring it back). {@link #oldestRetainedVersion()} is the oldest readable
 * one. Any other version, including the numbers between 0 and the initial version that never
 * existed, is a {@link VersionNotRetainedException}, never silently another version.
 *
 * <h2>Keys and values</h2>
 * Keys are non-empty byte strings of at most 64 KiB, values byte strings of 0 B to 16 MiB; the
 * empty value is distinct from absence (see {@link Limits}). Keys are ordered by
 * {@link KeyValue#KEY_ORDER}.
 *
 * <h2>Threads</h2>
 * Implementations are thread-safe. Commits, rollbacks, prunes and imports are serialised (one at
 * a time); reads and views may run concurrently with them and with each other, and a view keeps
 * showing its version while writes happen.
 *
 * <h2>Errors</h2>
 * Native and I/O failures are {@link StorageException}; stored data that fails a check is
 * {@link CorruptionException}; every method of a closed store throws
 * {@link IllegalStateException} (never a JVM crash from a released native handle).
 */
public interface VersionedStore extends AutoCloseable {
    /** @return the backend name this store was opened with ({@code "flatkv"}, {@code "tree"}) */
    String backend();

    /** @return the commitment scheme of this backend, e.g. {@link Commitment#LTHASH16_BLAKE3} */
    String commitmentScheme();

    /** @return the version number of the first commit, fixed when the store was created */
    long initialVersion();

    /** @return the latest committed version, 0 when nothing has been committed */
    long latestVersion();

    /** @return the oldest version still readable through {@link #view(long)} */
    long oldestRetainedVersion();

    /** @return true when nothing has been committed (the latest version is 0) */
    default boolean isEmpty() {
        return latestVersion() == 0;
    }

    /** @return version, commitment and metadata of the latest version */
    CommitInfo latest();

    /** @return the commitment of the latest version */
    default Commitment commitment() {
        return latest().commitment();
    }

    /**
     * Reads a key at the latest version.
     *
     * @param key the key
     * @return the value (possibly empty) or empty when absent
     * @throws IllegalArgumentException if the key violates {@link Limits}
     */
    Optional<byte[]> get(byte[] key);

    /**
     * Opens a consistent view of a retained version.
     *
     * @param version a retained version
     * @return the view; close it after use
     * @throws VersionNotRetainedException if the version is not retained
     */
    StoreView view(long version);

    /** @return a view of the latest version; close it after use */
    default StoreView latestView() {
        return view(latestVersion());
    }

    /**
     * Applies the change set atomically as the next version, committed in the same atomic write
     * as its metadata. With {@link StoreOptions#sync} the version is durable when this returns.
     *
     * <p>Backends apply {@link ChangeSet#effective()}: one operation per key, in key order. For a
     * commitment that depends on history (IAVL) this order is part of the commitment: it is the
     * order in which the Cosmos SDK writes a block's changes to its tree.
     *
     * @param changes the operations (later operations on a key win)
     * @param metadata what the version reflects
     * @return the new version, its commitment and metadata
     * @throws StorageException if the write failed (the version was then not acknowledged)
     */
    CommitInfo commit(ChangeSet changes, CommitMetadata metadata);

    /**
     * Drops every version newer than {@code version}, which becomes the latest.
     *
     * @param version a retained version (0 is allowed while it is retained)
     * @throws VersionNotRetainedException if the version is not retained
     */
    void rollbackTo(long version);

    /**
     * Releases every version older than {@code version}, which becomes the oldest retained one.
     * Views opened earlier keep working until closed.
     *
     * @param version a retained version; older ones are released
     * @throws VersionNotRetainedException if the version is not retained
     */
    void pruneBefore(long version);

    /**
     * Exports a retained version as this backend's records (see {@link StoreExport}).
     *
     * @param version a retained version
     * @return the export; close it after use
     * @throws VersionNotRetainedException if the version is not retained
     */
    StoreExport export(long version);

    /**
     * Exports a retained version as (key, value) records in key order, for parity checks. Not
     * importable into a backend whose native record kind differs.
     *
     * @param version a retained version
     * @return the export; close it after use
     * @throws VersionNotRetainedException if the version is not retained
     */
    StoreExport exportLogical(long version);

    /**
     * Rebuilds an exported version in this empty store (latest version 0, including after a
     * rollback to 0) and verifies its commitment.
     *
     * @param source the records and the version they must rebuild
     * @param progress receives records done and {@link ImportSource#recordCount()}
     * @return the imported version (now the latest and only retained one)
     * @throws StoreNotEmptyException if the store holds a committed version
     * @throws IncompatibleExportException if the records are not this backend's kind or malformed
     * @throws CommitmentMismatchException if the rebuilt state has another commitment; the store
     *     is left empty
     */
    CommitInfo importFrom(ImportSource source, ProgressListener progress);

    /**
     * Replaces the whole live state by an exported version: the records are imported into a fresh
     * directory, verified, and switched in atomically (an fsynced {@code CURRENT} pointer), so a
     * crash leaves the old state or the new one. Views opened before stay on the old state until
     * closed. The imported version may be lower than the live one (a node moved back to a
     * snapshot); the next commit follows the imported version.
     *
     * @param source the records and the version they must rebuild
     * @param progress receives records done and {@link ImportSource#recordCount()}
     * @return the imported version (now the latest and only retained one)
     * @throws IncompatibleExportException if the records are not this backend's kind or malformed
     * @throws CommitmentMismatchException if the rebuilt state has another commitment; the live
     *     state is unchanged
     */
    CommitInfo replaceFrom(ImportSource source, ProgressListener progress);

    /**
     * Closes the store and every view, iterator and export still open on it; idempotent. Failures
     * closing several resources are all reported (the first thrown, the others suppressed).
     */
    @Override
    void close();
}
