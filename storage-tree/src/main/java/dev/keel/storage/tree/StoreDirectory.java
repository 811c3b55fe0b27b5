package dev.keel.storage.tree;

import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The store's top directory: a {@code STORE} file naming the backend and the initial version (part
 * of the genesis configuration, fixed at creation), a {@code CURRENT} file naming the active data
 * directory ({@code data-NNNNNNNN}), and the data directories. Replacing the active data directory
 * (an import) is a pointer switch that survives a crash at any point; a data directory that
 * {@code CURRENT} does not name is an unfinished import or a retired one and is deleted on open.
 *
 * <p>Not thread-safe; the store serialises calls.
 */
final class StoreDirectory {
    static final String BACKEND = "tree";
    private static final String STORE_FILE = "STORE";
    private static final String CURRENT_FILE = "CURRENT";
    private static final Pattern STORE_CONTENT = Pattern.compile("backend=tree\nformat=1\ninitialVersion=(\\d+)\n");
    private static final Pattern DATA_DIR = Pattern.compile("data-(\\d{8})");

    private final Path root;

    private StoreDirectory(Path root) {
        this.root = root;
    }

    /**
     * Opens (creating if needed) the top directory.
     *
     * @throws StoreConfigurationException if it holds something else, or a tree store created with
     *     another initial version (nothing is modified)
     */
    static StoreDirectory open(Path root, long initialVersion) {
        try {
            Files.createDirectories(root);
            Path store = root.resolve(STORE_FILE);
            if (Files.exists(store)) {
                String content = Files.readString(store, StandardCharsets.UTF_8);
                Matcher m = STORE_CONTENT.matcher(content);
                if (!m.matches()) {
                    throw new StoreConfigurationException(store + " describes another store ("
                            + content.strip().replace('\n', ' ') + "); expected a tree store");
                }
                long recorded = Long.parseLong(m.group(1));
                if (recorded != initialVersion) {
                    throw new StoreConfigurationException(root + " was created with initial version " + recorded
                            + "; it cannot be opened with initial version " + initialVersion);
                }
            } else {
                try (Stream<Path> entries = Files.list(root)) {
                    if (entries.anyMatch(p -> !p.getFileName().toString().startsWith("data-"))) {
                        throw new StoreConfigurationException(root + " is not empty and holds no tree store");
                    }
                }
                DurableFiles.writeAtomically(root, STORE_FILE,
                        "backend=" + BACKEND + "\nformat=1\ninitialVersion=" + initialVersion + "\n");
            }
            return new StoreDirectory(root);
        } catch (IOException e) {
            throw new StorageException("cannot open store directory " + root, e);
        }
    }

    /** @return the active data directory, or {@code null} when none was ever switched in */
    Path current() {
        Path current = root.resolve(CURRENT_FILE);
        try {
            if (!Files.exists(current)) {
                return null;
            }
            String name = Files.readString(current, StandardCharsets.UTF_8).strip();
            if (!DATA_DIR.matcher(name).matches()) {
                throw new CorruptionException(current, "does not name a data directory: '" + name + "'");
            }
            Path dir = root.resolve(name);
            if (!Files.isDirectory(dir)) {
                throw new CorruptionException(current, "names " + name + ", which does not exist");
            }
            return dir;
        } catch (IOException e) {
            throw new StorageException("cannot read " + current, e);
        }
    }

    /** @return a new, empty data directory numbered above every existing one */
    Path newDataDirectory() {
        long highest = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, "data-*")) {
            for (Path p : entries) {
                Matcher m = DATA_DIR.matcher(p.getFileName().toString());
                if (m.matches()) {
                    highest = Math.max(highest, Long.parseLong(m.group(1)));
                }
            }
            Path dir = root.resolve(String.format("data-%08d", highest + 1));
            Files.createDirectory(dir);
            DurableFiles.forceDirectory(root);
            return dir;
        } catch (IOException e) {
            throw new StorageException("cannot create a data directory in " + root, e);
        }
    }

    /** Atomically makes {@code dataDir} (whose files are already forced) the active one. */
    void switchTo(Path dataDir) {
        try {
            DurableFiles.forceDirectory(dataDir);
            DurableFiles.writeAtomically(root, CURRENT_FILE, dataDir.getFileName().toString() + "\n");
        } catch (IOException e) {
            throw new StorageException("cannot switch " + root.resolve(CURRENT_FILE) + " to " + dataDir, e);
        }
    }

    /** Deletes every data directory except {@code keep} (unfinished imports, retired ones). */
    void deleteAllExcept(Path keep) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, "data-*")) {
            for (Path p : entries) {
                if (!p.equals(keep)) {
                    DurableFiles.deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot clean data directories in " + root, e);
        }
    }
}
