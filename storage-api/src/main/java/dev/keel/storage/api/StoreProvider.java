package dev.keel.storage.api;

import java.nio.file.Path;

/**
 * Service-provider interface of a storage backend, found by {@link java.util.ServiceLoader}.
 *
 * <p>A backend module registers its provider in
 * {@code META-INF/services/dev.keel.storage.api.StoreProvider}. Implementations are stateless and
 * thread-safe.
 */
public interface StoreProvider {
    /** @return the backend name nodes configure ({@code "flatkv"}, {@code "tree"}) */
    String name();

    /**
     * Opens (creating when absent) the store in {@code directory}.
     *
     * @param directory the store's directory; created if missing
     * @param options how to open it
     * @return the open store
     * @throws StoreConfigurationException if the directory holds another backend or configuration
     * @throws CorruptionException if the stored data fails a check
     * @throws StorageException on an I/O failure
     */
    VersionedStore open(Path directory, StoreOptions options);
}
