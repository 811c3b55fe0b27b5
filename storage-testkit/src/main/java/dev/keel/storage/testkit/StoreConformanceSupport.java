package dev.keel.storage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every conformance class shares: how the backend opens a store, and the small vocabulary
 * the tests are written in. A backend does not extend this directly; it extends
 * {@link AbstractStoreConformance} (everything) or one topic class.
 *
 * <p>Each test gets a fresh {@link #tempDir}; stores live in named sub-directories of it, so a
 * test can reopen a store (same name) or import into a second one (another name).
 */
public abstract class StoreConformanceSupport {
    /** System property that fixes the seed of every randomised test, to reproduce a failure. */
    public static final String SEED_PROPERTY = "keel.seed";

    /** The test's private directory, deleted by JUnit afterwards. */
    @TempDir
    protected Path tempDir;

    /** Subclassed by the topic classes of this package. */
    protected StoreConformanceSupport() {
    }

    /**
     * Opens the store in {@code dir}, creating it when the directory is empty or absent and
     * reopening what is there otherwise. The suite closes every store it opens.
     *
     * @param dir the store's directory
     * @param options the options to open it with
     * @return the open store
     */
    protected abstract VersionedStore createStore(Path dir, StoreOptions options);

    /**
     * @return the record kind {@link VersionedStore#export} produces for this backend, e.g.
     *     {@link dev.keel.storage.api.StoreExport#KIND_KEY_VALUE}
     */
    protected abstract String expectedRecordKind();

    /**
     * The local settings the backend wants (hash threads, backend properties). The suite
     * overrides the initial version, the retained window and sync where a test depends on them.
     *
     * @return the options every store of the suite starts from
     */
    protected StoreOptions baseOptions() {
        return StoreOptions.defaults();
    }

    /** @return {@link #baseOptions()} with initial version 1 and the default window */
    protected final StoreOptions options() {
        return baseOptions().withInitialVersion(1).withRetainedVersions(StoreOptions.DEFAULT_RETAINED_VERSIONS);
    }

    /**
     * @param name a directory name
     * @return the directory of that name under {@link #tempDir}
     */
    protected final Path dir(String name) {
        return tempDir.resolve(name);
    }

    /**
     * @param name a directory name
     * @return the store in that directory, opened with {@link #options()}
     */
    protected final VersionedStore open(String name) {
        return createStore(dir(name), options());
    }

    /**
     * @param name a directory name
     * @param opts the options
     * @return the store in that directory
     */
    protected final VersionedStore open(String name, StoreOptions opts) {
        return createStore(dir(name), opts);
    }

    /**
     * @param opts the options a store was opened with
     * @return a fresh model with the same initial version and window
     */
    protected static ReferenceModel modelFor(StoreOptions opts) {
        return new ReferenceModel(opts.initialVersion(), opts.retainedVersions());
    }

    /**
     * The seed of a randomised test: the system property {@value #SEED_PROPERTY} when set (to
     * reproduce a failure), a fresh random one otherwise. Printed either way.
     *
     * @param test what the seed is for, printed with it
     * @return the seed
     */
    protected static long seed(String test) {
        String fixed = System.getProperty(SEED_PROPERTY);
        long seed = fixed != null ? Long.parseLong(fixed.trim()) : java.util.concurrent.ThreadLocalRandom.current().nextLong();
        System.out.println(test + ": seed " + seed + (fixed != null ? " (from -D" : " (reproduce with -D")
                + SEED_PROPERTY + "=" + seed + ")");
        return seed;
    }

    /**
     * @param s text
     * @return its UTF-8 bytes
     */
    protected static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param unsigned byte values 0..255
     * @return those bytes
     */
    protected static byte[] bytes(int... unsigned) {
        byte[] out = new byte[unsigned.length];
        for (int i = 0; i < unsigned.length; i++) {
            out[i] = (byte) unsigned[i];
        }
        return out;
    }

    /**
     * A change set written compactly: {@code "k=v"} puts {@code v} under {@code k}, {@code "k="}
     * puts the empty value, {@code "-k"} deletes {@code k}; in the order given.
     *
     * @param ops the operations
     * @return the change set
     */
    protected static ChangeSet changes(String... ops) {
        ChangeSet.Builder builder = ChangeSet.builder();
        for (String op : ops) {
            if (op.startsWith("-")) {
                builder.delete(b(op.substring(1)));
            } else {
                int eq = op.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("not an operation: " + op);
                }
                builder.put(b(op.substring(0, eq)), b(op.substring(eq + 1)));
            }
        }
        return builder.build();
    }

    /**
     * Metadata in which every field depends on {@code n}, so that a store returning another
     * version's metadata is caught.
     *
     * @param n any number
     * @return the metadata
     */
    protected static CommitMetadata metadata(long n) {
        return new CommitMetadata(100 + n, 1 + n / 3, 1_000_000 + n, n % 2 == 0 ? CommitMetadata.NO_CUTOVER : 50 + n,
                (int) (1 + n % 3), new Membership(List.of("voter-a", "voter-" + n), List.of("learner-" + n)),
                b("app-" + n));
    }

    /**
     * Commits to the store and the model alike and checks the version and metadata returned.
     *
     * @param store the store
     * @param model its model
     * @param changes the change set
     * @param md the metadata
     * @return what the store returned
     */
    protected static CommitInfo commit(VersionedStore store, ReferenceModel model, ChangeSet changes, CommitMetadata md) {
        long expected = model.commit(changes, md);
        CommitInfo info = store.commit(changes, md);
        assertEquals(expected, info.version(), "version created by commit");
        assertEquals(md, info.metadata(), "metadata returned by commit");
        return info;
    }

    /**
     * Asserts that the store has the model's latest and oldest version and that a view of every
     * retained version shows exactly that version's content and metadata.
     *
     * @param model the model
     * @param store the store
     */
    protected static void assertMatchesModel(ReferenceModel model, VersionedStore store) {
        assertEquals(model.latestVersion(), store.latestVersion(), "latest version");
        assertEquals(model.oldestRetainedVersion(), store.oldestRetainedVersion(), "oldest retained version");
        assertEquals(model.latest().metadata(), store.latest().metadata(), "metadata of the latest version");
        for (long v : model.retainedVersionNumbers()) {
            try (StoreView view = store.view(v)) {
                ModelAssertions.assertShows(model.snapshot(v), null, view, () -> "view(" + v + ")");
            }
        }
        for (KeyValue kv : model.latest().entries()) {
            ModelAssertions.assertValue(Optional.of(kv.value()), store.get(kv.key()), () -> "get at latest");
        }
    }

    /**
     * Asserts that {@code view(version)} is refused with {@link VersionNotRetainedException} (and
     * closes a view wrongly returned).
     *
     * @param store the store
     * @param version a version that must not be readable
     */
    protected static void assertNotRetained(VersionedStore store, long version) {
        VersionNotRetainedException e = assertThrows(VersionNotRetainedException.class, () -> {
            try (StoreView wrong = store.view(version)) {
                fail("view(" + version + ") returned a view of version " + wrong.version()
                        + "; retained are " + store.oldestRetainedVersion() + ".." + store.latestVersion());
            }
        });
        assertEquals(version, e.requested(), "requested version named by the exception");
    }

    /**
     * Asserts that opening fails with {@code expected}, closing a store wrongly opened.
     *
     * @param expected the exception type
     * @param dir the directory
     * @param opts the options
     * @param <T> the exception type
     * @return the exception
     */
    protected final <T extends Throwable> T assertOpenFails(Class<T> expected, Path dir, StoreOptions opts) {
        return assertThrows(expected, () -> {
            try (VersionedStore wrong = createStore(dir, opts)) {
                fail("opened " + dir + " with " + opts + " at version " + wrong.latestVersion());
            }
        });
    }
}
