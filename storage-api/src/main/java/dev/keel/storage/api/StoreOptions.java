package dev.keel.storage.api;

import java.util.Map;
import java.util.Objects;

/**
 * How a store is opened.
 *
 * <p>{@code initialVersion} is part of the genesis configuration every replica shares (never a
 * local tuning knob): a store records it when created, and reopening it with another value is a
 * {@link StoreConfigurationException}. The other options are local.
 *
 * <p>Immutable and thread-safe.
 *
 * @param initialVersion the version number of the first commit (cosmos/iavl's meaning); at least 1
 * @param retainedVersions how many recent versions stay readable through {@code view}; at least 1.
 *     Opening never prunes: a smaller window takes effect at the next commit
 * @param sync whether each commit is forced to stable storage before it returns
 * @param hashThreads threads used to hash a large commit; at least 1
 * @param backendProperties backend-specific settings, documented by each backend
 */
public record StoreOptions(long initialVersion, int retainedVersions, boolean sync, int hashThreads,
                           Map<String, String> backendProperties) {
    /** Default number of retained versions. */
    public static final int DEFAULT_RETAINED_VERSIONS = 100;

    /**
     * @throws IllegalArgumentException if a number is out of range
     * @throws NullPointerException if the properties map is null
     */
    public StoreOptions {
        if (initialVersion < 1) {
            throw new IllegalArgumentException("initial version must be >= 1: " + initialVersion);
        }
        if (retainedVersions < 1) {
            throw new IllegalArgumentException("retained versions must be >= 1: " + retainedVersions);
        }
        if (hashThreads < 1) {
            throw new IllegalArgumentException("hash threads must be >= 1: " + hashThreads);
        }
        backendProperties = Map.copyOf(Objects.requireNonNull(backendProperties, "backendProperties"));
    }

    /**
     * Defaults for a store used alone: first version 1, 100 retained versions, every commit
     * synced, hashing on every available core.
     *
     * @return the defaults
     */
    public static StoreOptions defaults() {
        return new StoreOptions(1, DEFAULT_RETAINED_VERSIONS, true,
                Runtime.getRuntime().availableProcessors(), Map.of());
    }

    /**
     * @param version the first version number
     * @return a copy with another initial version
     */
    public StoreOptions withInitialVersion(long version) {
        return new StoreOptions(version, retainedVersions, sync, hashThreads, backendProperties);
    }

    /**
     * @param versions how many versions stay readable
     * @return a copy with another retained window
     */
    public StoreOptions withRetainedVersions(int versions) {
        return new StoreOptions(initialVersion, versions, sync, hashThreads, backendProperties);
    }

    /**
     * @param syncCommits whether commits are forced before they return (the engine turns this off
     *     because its log makes entries above the store's applied index replayable)
     * @return a copy with another sync setting
     */
    public StoreOptions withSync(boolean syncCommits) {
        return new StoreOptions(initialVersion, retainedVersions, syncCommits, hashThreads, backendProperties);
    }

    /**
     * @param threads hashing threads
     * @return a copy with another number of hashing threads
     */
    public StoreOptions withHashThreads(int threads) {
        return new StoreOptions(initialVersion, retainedVersions, sync, threads, backendProperties);
    }

    /**
     * @param properties backend-specific settings
     * @return a copy with other backend properties
     */
    public StoreOptions withBackendProperties(Map<String, String> properties) {
        return new StoreOptions(initialVersion, retainedVersions, sync, hashThreads, properties);
    }
}
