package dev.keel.storage.flatkv;

import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreConfigurationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The store's top directory: a {@code STORE} file naming the backend, a {@code CURRENT} file
 * naming the active data directory, and the data directories themselves ({@code data-NNNNNNNN}).
 *
 * <p>Replacing the active data directory is a pointer switch that survives a crash at any point:
 * write {@code CURRENT.tmp}, force it, rename it over {@code CURRENT}, force the directory. A data
 * directory that {@code CURRENT} does not name is an unfinished import or a retired generation and
 * is deleted on open. Not thread-safe; the store serialises calls.
 */
final class StoreDirectory {
    static final String BACKEND = "flatkv";
    private static final String STORE_FILE = "STORE";
    private static final String CURRENT_FILE = "CURRENT";
    private static final String STORE_CONTENT = "backend=" + BACKEND + "\nformat=1\n";
    private static final Pattern DATA_DIR = Pattern.compile("data-(\\d{8})");

    private final Path root;

    private StoreDirectory(Path root) {
        this.root = root;
    }

    /**
     * Opens (creating if needed) the top directory and checks that it holds a flatkv store.
     */
    static StoreDirectory open(Path root) {
        try {
            Files.createDirectories(root);
            Path store = root.resolve(STORE_FILE);
            if (Files.exists(store)) {
                String content = Files.readString(store, StandardCharsets.UTF_8);
                if (!content.equals(STORE_CONTENT)) {
                    throw new StoreConfigurationException(store + " describes another store ("
                            + content.strip().replace('\n', ' ') + "); expected " + STORE_CONTENT.strip().replace('\n', ' '));
                }
            } else {
                try (Stream<Path> entries = Files.list(root)) {
                    if (entries.anyMatch(p -> !p.getFileName().toString().startsWith("data-"))) {
                        throw new StoreConfigurationException(root + " is not empty and holds no flatkv store");
                    }
                }
                writeDurably(root, STORE_FILE, STORE_CONTENT);
            }
            return new StoreDirectory(root);
        } catch (IOException e) {
            throw new StorageException("cannot open store directory " + root, e);
        }
    }

    Path root() {
        return root;
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

    /** @return a new, empty data directory with a number above every existing one */
    Path newDataDirectory() {
        long highest = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, "data-*")) {
            for (Path p : entries) {
                var m = DATA_DIR.matcher(p.getFileName().toString());
                if (m.matches()) {
                    highest = Math.max(highest, Long.parseLong(m.group(1)));
                }
            }
            Path dir = root.resolve(String.format("data-%08d", highest + 1));
            Files.createDirectory(dir);
            return dir;
        } catch (IOException e) {
            throw new StorageException("cannot create a data directory in " + root, e);
        }
    }

    /** Atomically makes {@code dataDir} the active data directory. */
    void switchTo(Path dataDir) {
        try {
            forceTree(dataDir);
            writeDurably(root, CURRENT_FILE, dataDir.getFileName().toString() + "\n");
        } catch (IOException e) {
            throw new StorageException("cannot switch " + root.resolve(CURRENT_FILE) + " to " + dataDir, e);
        }
    }

    /** Deletes every data directory except {@code keep} (unfinished imports, retired generations). */
    void deleteAllExcept(Path keep) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, "data-*")) {
            for (Path p : entries) {
                if (!p.equals(keep)) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot clean data directories in " + root, e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new StorageException("cannot delete " + dir, e);
        }
    }

    private static void writeDurably(Path dir, String name, String content) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename " + tmp + " atomically", e);
        }
        forceDirectory(dir);
    }

    private static void forceTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p)) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                }
            }
        }
        forceDirectory(dir);
    }

    private static void forceDirectory(Path dir) throws IOException {
        // Linux lets a directory be opened read-only and forced; that persists renames in it.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
