package dev.keel.cli.fakestore;

import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreConfigurationException;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreProvider;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test-only backend, {@value #NAME}, that keeps its versions in memory (for the life of the test
 * JVM) and can be told to misbehave, so the CLI's own logic and its checks can be tested — and seen
 * to fail — independently of the real backends.
 *
 * <p>A directory's state survives close and reopen while the directory still holds the marker file
 * the fake writes; deleting the directory (as every {@code keel demo} run does) starts it afresh.
 */
public final class FakeStoreProvider implements StoreProvider {
    /** The backend name. */
    public static final String NAME = "cli-fake";

    static final String MARKER_FILE = "FAKE-STORE";

    private static final Map<Path, FakeStore.State> STATES = new ConcurrentHashMap<>();
    private static final Map<Path, Fault> FAULTS = new ConcurrentHashMap<>();

    /** A way for the fake to be wrong, so that a test can see a check catch it. */
    public enum Fault {
        /** Reopening loses the last committed version (as a store that did not persist it would). */
        LOSE_LAST_COMMIT_ON_REOPEN,
        /** Views of older versions report a commitment other than the one their commit returned. */
        WRONG_COMMITMENT_IN_VIEWS,
        /** Views of older versions read the latest data (silently serving another version). */
        LATEST_DATA_IN_VIEWS
    }

    /**
     * Makes stores opened in {@code directory} from now on misbehave.
     *
     * @param directory a store directory
     * @param fault how
     */
    public static void inject(Path directory, Fault fault) {
        FAULTS.put(key(directory), fault);
    }

    /**
     * Drops what the fake remembers about a directory (its versions and any fault).
     *
     * @param directory a store directory
     */
    public static void forget(Path directory) {
        STATES.remove(key(directory));
        FAULTS.remove(key(directory));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public VersionedStore open(Path directory, StoreOptions options) {
        Path key = key(directory);
        try {
            Files.createDirectories(directory);
            Path marker = directory.resolve(MARKER_FILE);
            if (!Files.exists(marker)) {
                STATES.remove(key);
                Files.writeString(marker, "test store\n");
            }
        } catch (IOException e) {
            throw new StorageException("cannot create the fake store in " + directory, e);
        }
        FakeStore.State state = STATES.computeIfAbsent(key, k -> new FakeStore.State(options.initialVersion()));
        if (state.initialVersion() != options.initialVersion()) {
            throw new StoreConfigurationException("the store in " + directory + " was created with initial version "
                    + state.initialVersion() + ", opened with " + options.initialVersion());
        }
        Fault fault = FAULTS.get(key);
        if (fault == Fault.LOSE_LAST_COMMIT_ON_REOPEN) {
            state.dropLatest();
        }
        return new FakeStore(state, options.retainedVersions(), fault);
    }

    private static Path key(Path directory) {
        return directory.toAbsolutePath().normalize();
    }
}
