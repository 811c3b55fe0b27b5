package dev.keel.parity;

import dev.keel.storage.api.PairVisitor;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionMismatchException;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Computes the {@link LogicalDigest} of a store version by scanning it through the public API
 * ({@link VersionedStore#view(long)} and {@link StoreView#scan()}), so it works alike for every
 * backend and never looks at a backend's commitment or record format.
 *
 * <p>Fails closed on the version: the digest is of exactly the version asked for or of nothing.
 *
 * <p>Immutable and thread-safe: one digester may digest several stores concurrently (each call
 * uses its own {@link MessageDigest}s).
 */
public final class LogicalDigester {
    /** The default depth: one byte, up to 256 buckets. */
    public static final int DEFAULT_DEPTH = 1;
    /** Keys between two progress reports; small enough to look live, large enough to cost nothing. */
    static final int PROGRESS_EVERY = 4096;

    private static final byte[] DOMAIN = "keel-logical-digest/1".getBytes(StandardCharsets.US_ASCII);

    private final int depth;

    /**
     * @param depth the bucket prefix length in bytes, 0..{@value LogicalDigest#MAX_DEPTH}
     * @throws IllegalArgumentException if the depth is out of range
     */
    public LogicalDigester(int depth) {
        LogicalDigest.checkDepth(depth);
        this.depth = depth;
    }

    /** @return the bucket prefix length in bytes */
    public int depth() {
        return depth;
    }

    /**
     * Digests exactly {@code version} of {@code store}.
     *
     * @param store the store to read
     * @param version the version to digest, requested by number
     * @param progress receives keys digested so far (total -1 until the end, then the key count)
     * @return the digest of that version
     * @throws VersionMismatchException if the store does not serve exactly that version (newer than
     *     its latest, pruned, never existed, or a view of another version came back); never a
     *     digest of a neighbouring version
     * @throws ScanOrderException if the store's scan is not in strictly increasing key order
     * @throws dev.keel.storage.api.StorageException on an I/O failure of the store
     */
    public LogicalDigest digest(VersionedStore store, long version, ProgressListener progress) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(progress, "progress");
        StoreView view = openExactly(store, version);
        try (view) {
            return digest(view, store.backend(), progress);
        }
    }

    /**
     * Opens a view of exactly {@code version}, translating every way of not having it into
     * {@link VersionMismatchException}.
     *
     * @param store the store
     * @param version the version required
     * @return a view showing that version; the caller closes it
     * @throws VersionMismatchException if the store does not serve exactly that version
     */
    public static StoreView openExactly(VersionedStore store, long version) {
        long latest = store.latestVersion();
        if (version < 0 || version > latest) {
            throw new VersionMismatchException(version, latest,
                    "the " + store.backend() + " store's latest version is " + latest + ", so it cannot serve the version asked for");
        }
        StoreView view;
        try {
            view = store.view(version);
        } catch (VersionNotRetainedException e) {
            VersionMismatchException mismatch = new VersionMismatchException(version, -1,
                    "the " + store.backend() + " store does not retain the version asked for (oldest retained "
                            + e.oldestRetained() + ", latest " + e.latest() + ")");
            mismatch.initCause(e);
            throw mismatch;
        }
        if (view.version() != version) {
            long shown = view.version();
            view.close();
            throw new VersionMismatchException(version, shown,
                    "the " + store.backend() + " store answered view(" + version + ") with a view of another version");
        }
        return view;
    }

    /**
     * Digests the version an open view shows.
     *
     * @param view the view (not closed here)
     * @param backend the backend name, for error messages
     * @param progress receives keys digested so far
     * @return the digest of {@code view.version()}
     * @throws ScanOrderException if the scan is not in strictly increasing key order
     */
    public LogicalDigest digest(StoreView view, String backend, ProgressListener progress) {
        Buckets buckets = new Buckets(view.version(), backend, progress);
        // forEachPair hands out the backend's own arrays: no KeyValue copies per pair.
        view.forEachPair(buckets);
        List<BucketDigest> done = buckets.finish();
        progress.onProgress(buckets.total, buckets.total);
        return new LogicalDigest(view.version(), depth, buckets.total, done, combine(depth, done));
    }

    /** Hashes the pairs of one scan into bucket digests, checking the key order on the way. */
    private final class Buckets implements PairVisitor {
        private final long version;
        private final String backend;
        private final ProgressListener progress;
        private final MessageDigest bucketHash = sha256();
        private final List<BucketDigest> buckets = new ArrayList<>();
        // Pairs are encoded into one buffer and hashed a buffer at a time: SHA-256 over the
        // concatenation is the same, and one update() per 8 KiB costs far less than one per pair.
        private final byte[] buffer = new byte[8192];
        private int buffered;
        private byte[] prefix;
        private byte[] previousKey;
        private long bucketCount;
        private long total;

        Buckets(long version, String backend, ProgressListener progress) {
            this.version = version;
            this.backend = backend;
            this.progress = progress;
        }

        @Override
        public void visit(byte[] key, byte[] value) {
            if (previousKey != null && Arrays.compareUnsigned(previousKey, key) >= 0) {
                throw new ScanOrderException(backend, version, previousKey, key);
            }
            // Kept by reference: the arrays are read-only and may be retained (PairVisitor).
            previousKey = key;
            if (prefix == null || !inBucket(key, prefix)) {
                if (prefix != null) {
                    buckets.add(new BucketDigest(prefix, bucketCount, bucketDigest()));
                }
                prefix = Arrays.copyOf(key, Math.min(depth, key.length));
                bucketCount = 0;
            }
            int size = 8 + key.length + value.length;
            if (buffered + size > buffer.length) {
                flush();
            }
            if (size > buffer.length) {
                // A pair larger than the buffer: its length fields, then the arrays themselves.
                putInt(buffer, 0, key.length);
                bucketHash.update(buffer, 0, 4);
                bucketHash.update(key);
                putInt(buffer, 0, value.length);
                bucketHash.update(buffer, 0, 4);
                bucketHash.update(value);
            } else {
                int at = putInt(buffer, buffered, key.length);
                System.arraycopy(key, 0, buffer, at, key.length);
                at = putInt(buffer, at + key.length, value.length);
                System.arraycopy(value, 0, buffer, at, value.length);
                buffered = at + value.length;
            }
            bucketCount++;
            total++;
            if (total % PROGRESS_EVERY == 0) {
                progress.onProgress(total, -1);
            }
        }

        List<BucketDigest> finish() {
            if (prefix != null) {
                buckets.add(new BucketDigest(prefix, bucketCount, bucketDigest()));
            }
            return buckets;
        }

        private void flush() {
            bucketHash.update(buffer, 0, buffered);
            buffered = 0;
        }

        private byte[] bucketDigest() {
            flush();
            return bucketHash.digest();
        }
    }

    /**
     * The final digest over the bucket summaries (see {@link LogicalDigest}).
     *
     * @param depth the bucket depth
     * @param buckets the non-empty buckets in key order
     * @return the 32-byte final digest
     */
    static byte[] combine(int depth, List<BucketDigest> buckets) {
        MessageDigest sha = sha256();
        sha.update(DOMAIN);
        sha.update((byte) depth);
        byte[] scratch = new byte[8];
        for (BucketDigest b : buckets) {
            byte[] p = b.prefix();
            putInt(scratch, 0, p.length);
            sha.update(scratch, 0, 4);
            sha.update(p);
            putLong(scratch, b.count());
            sha.update(scratch, 0, 8);
            sha.update(b.digest());
        }
        return sha.digest();
    }

    private boolean inBucket(byte[] key, byte[] prefix) {
        int n = Math.min(depth, key.length);
        return n == prefix.length && Arrays.equals(key, 0, n, prefix, 0, n);
    }

    private static int putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
        return at + 4;
    }

    private static void putLong(byte[] b, long v) {
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256.
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
