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
        List<Throwable> broken = new ArrayList<>();
        for (StoreProvider p : providers(broken)) {
            if (p.name().equals(backend)) {
                return p;
            }
            names.add(p.name());
        }
        UnknownBackendException e = new UnknownBackendException(backend, names);
        broken.forEach(e::addSuppressed);
        throw e;
    }

    /**
     * @return the names of every backend that loads, in discovery order (a provider that fails to
     *     load is left out rather than hiding the others)
     */
    public static List<String> backends() {
        List<String> names = new ArrayList<>();
        for (StoreProvider p : providers(new ArrayList<>())) {
            names.add(p.name());
        }
        return List.copyOf(names);
    }

    /** Loads every provider; one that fails to load is recorded in {@code broken}, not thrown. */
    private static List<StoreProvider> providers(List<Throwable> broken) {
        List<StoreProvider> found = new ArrayList<>();
        var it = ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return found;
                }
                found.add(it.next());
            } catch (java.util.ServiceConfigurationError e) {
                broken.add(e);
                if (broken.size() > 64) {
                    return found; // a broken configuration file may fail on every call
                }
            }
        }
    }
}
