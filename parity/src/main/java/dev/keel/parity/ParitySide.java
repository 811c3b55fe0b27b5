package dev.keel.parity;

import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One of the two stores a differential replay compares: a name for reports and how to open it.
 *
 * <p>Immutable and thread-safe if the opener is (shards open stores concurrently, each in its own
 * directory).
 *
 * @param name the name in reports, also the store's directory name under a shard's work directory
 * @param opener opens (creating if missing) the store in a directory
 */
public record ParitySide(String name, Opener opener) {
    /** Opens a store in a directory; {@link Stores#open} for a real backend. */
    @FunctionalInterface
    public interface Opener {
        /**
         * @param directory the store's directory, created if missing
         * @param options how to open it
         * @return the open store
         */
        VersionedStore open(Path directory, StoreOptions options);
    }

    /** @throws NullPointerException if an argument is null */
    public ParitySide {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opener, "opener");
        if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("a side's name is also a directory name: '" + name + "'");
        }
    }

    /**
     * @param backend a backend name ({@code "flatkv"}, {@code "tree"})
     * @return that backend, opened through {@link Stores#open}
     */
    public static ParitySide backend(String backend) {
        return new ParitySide(backend, (dir, options) -> Stores.open(backend, dir, options));
    }
}
