package dev.keel.storage.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Opens a store by backend name, so a node switches backend by configuration.
 *
 * <p>Stateless and thread-safe; providers are looked up on every call with the class loader of
 * this class.
 */
public final class Stores {
    private Stores() {
    }

    /**
     * @param backend the backend name ({@code "flatkv"}, {@code "tree"})
     * @param directory the store's directory; created if missing
     * @param options how to open it
     * @return the open store
     * @throws UnknownBackendException if no provider has that name
     * @throws StoreConfigurationException if the directory holds another backend or configuration
     */
    public static VersionedStore open(String backend, Path directory, StoreOptions options) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        return provider(backend).open(directory, options);
    }

    /**
     * @param backend the backend name
     * @return its provider
     * @throws UnknownBackendException if no provider has that name
     */
    public static StoreProvider provider(String backend) {
        List<String> names = new ArrayList<>();
        for (StoreProvider p : ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader())) {
            if (p.name().equals(backend)) {
                return p;
            }
            names.add(p.name());
        }
        throw new UnknownBackendException(backend, names);
    }

    /** @return the names of every backend on the class path, in discovery order */
    public static List<String> backends() {
        List<String> names = new ArrayList<>();
        for (StoreProvider p : ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader())) {
            names.add(p.name());
        }
        return List.copyOf(names);
    }
}
