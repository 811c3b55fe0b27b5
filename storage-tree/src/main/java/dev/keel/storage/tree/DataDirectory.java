package dev.keel.storage.tree;

import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One data directory: tree snapshot {@code snapshot-NNNNNNNN}, the changelog of everything after it
 * {@code changelog-NNNNNNNN}, and the pointer {@code TREE} naming the generation N in use (absent:
 * generation 0, the empty store with no snapshot).
 *
 * <p>A new snapshot is written as a temp file, forced, renamed; its (empty) changelog is created and
 * forced; only then does {@code TREE} switch to it (write, force, rename, force the directory) and
 * the old generation's files are deleted. A crash at any step leaves the previous generation, which
 * is complete, in use; stray files of an unfinished generation are deleted on open.
 *
 * <p>Not thread-safe; the store's writer lock serialises calls, except {@link #prepare}, which may
 * run on one other thread at a time (it touches only the next generation's files).
 */
final class DataDirectory implements AutoCloseable {
    private static final String POINTER = "TREE";
    private static final Pattern GENERATION = Pattern.compile("\\d{8}");
    private static final Pattern FILE = Pattern.compile("(snapshot|changelog)-(\\d{8})(\\.tmp)?|TREE\\.tmp");

    /** What was found on open: the snapshot (null for generation 0) and the changelog records after it. */
    record Loaded(TreeSnapshotFile.Contents snapshot, List<Changelog.Entry> entries) {
    }

    private final Path dir;
    private final boolean sync;
    private long generation;
    private Changelog changelog;
    /** Set when the pointer may name a generation this object no longer appends to; writes then fail closed. */
    private StorageException broken;

    private DataDirectory(Path dir, boolean sync, long generation, Changelog changelog) {
        this.dir = dir;
        this.sync = sync;
        this.generation = generation;
        this.changelog = changelog;
    }

    Path path() {
        return dir;
    }

    /** @throws StorageException if a failed pointer switch left it unknown which changelog is live */
    Changelog changelog() {
        if (broken != null) {
            throw new StorageException("store in " + dir + " refuses writes after a failed tree snapshot switch; reopen it", broken);
        }
        return changelog;
    }

    /**
     * Opens the directory: reads the pointer, the snapshot it names and that snapshot's changelog.
     * {@code into} receives what was loaded.
     */
    static DataDirectory open(Path dir, boolean sync, Loaded[] into) {
        long generation = readPointer(dir);
        if (generation > 0 && !Files.exists(snapshotFile(dir, generation))) {
            throw new CorruptionException(dir.resolve(POINTER), "names generation " + generation
                    + " but " + snapshotFile(dir, generation).getFileName() + " does not exist");
        }
        TreeSnapshotFile.Contents snapshot = generation == 0 ? null : TreeSnapshotFile.read(snapshotFile(dir, generation));
        deleteStale(dir, generation);
        List<Changelog.Entry> entries = new ArrayList<>();
        Changelog log = Changelog.openAndRead(changelogFile(dir, generation), sync, entries);
        into[0] = new Loaded(snapshot, entries);
        return new DataDirectory(dir, sync, generation, log);
    }

    /**
     * Writes a snapshot of {@code versions} as the next generation and switches to it; the
     * changelog starts empty. On failure the current generation stays in use.
     */
    void writeSnapshot(long initialVersion, List<SavedVersion> versions) {
        install(prepare(initialVersion, versions), List.of());
    }

    /** A next generation written to disk but not yet in use. */
    static final class Prepared {
        final long generation;
        final Changelog changelog;
        final Path snapshot;

        Prepared(long generation, Changelog changelog, Path snapshot) {
            this.generation = generation;
            this.changelog = changelog;
            this.snapshot = snapshot;
        }
    }

    /**
     * Writes generation N + 1's snapshot of {@code versions} (temp file, force, rename) and creates
     * its empty changelog, touching no file of generation N: it may run on another thread while
     * the store keeps appending to the current changelog. Until {@link #install} the pointer still
     * names generation N, and an open deletes these files as stale.
     *
     * @throws StorageException if writing fails (nothing of generation N changed)
     */
    Prepared prepare(long initialVersion, List<SavedVersion> versions) {
        long next = generation + 1;
        Path snapshot = snapshotFile(dir, next);
        Path tmp = dir.resolve(snapshot.getFileName() + ".tmp");
        Changelog fresh = null;
        try {
            Files.deleteIfExists(tmp);
            TreeSnapshotFile.write(tmp, initialVersion, versions);
            DurableFiles.renameDurably(tmp, snapshot);
            Files.deleteIfExists(changelogFile(dir, next));
            fresh = Changelog.openAndRead(changelogFile(dir, next), sync, new ArrayList<>());
            DurableFiles.forceDirectory(dir);
            return new Prepared(next, fresh, snapshot);
        } catch (IOException | RuntimeException e) {
            if (fresh != null) {
                fresh.close();
            }
            throw e instanceof IOException io ? new StorageException("cannot write tree snapshot " + snapshot, io)
                    : (RuntimeException) e;
        }
    }

    /**
     * Makes a prepared generation current: appends to its changelog the records the current one
     * received since the snapshot's versions were taken, switches the pointer, and deletes the old
     * generation. On failure before the switch the current generation stays in use.
     *
     * @param prepared from {@link #prepare}, for the generation after the current one
     * @param since payloads appended to the current changelog after the snapshot's versions
     */
    void install(Prepared prepared, List<byte[]> since) {
        if (prepared.generation != generation + 1) {
            discard(prepared);
            throw new IllegalStateException("prepared generation " + prepared.generation + " does not follow " + generation);
        }
        try {
            prepared.changelog.appendAll(since);
            switchPointer(prepared.generation);
        } catch (IOException | RuntimeException e) {
            prepared.changelog.close();
            throw e instanceof IOException io ? new StorageException("cannot switch to tree snapshot " + prepared.snapshot, io)
                    : (RuntimeException) e;
        }
        Changelog old = changelog;
        long oldGeneration = generation;
        changelog = prepared.changelog;
        generation = prepared.generation;
        old.close();
        try {
            Files.deleteIfExists(snapshotFile(dir, oldGeneration));
            Files.deleteIfExists(changelogFile(dir, oldGeneration));
        } catch (IOException e) {
            throw new StorageException("cannot delete generation " + oldGeneration + " in " + dir, e);
        }
    }

    /** Closes and deletes a prepared generation that will not be installed (best effort; an open deletes it too). */
    void discard(Prepared prepared) {
        prepared.changelog.close();
        try {
            Files.deleteIfExists(prepared.snapshot);
            Files.deleteIfExists(changelogFile(dir, prepared.generation));
        } catch (IOException e) {
            // Stale files of an uninstalled generation are deleted on the next open.
        }
    }

    /**
     * Points {@code TREE} at {@code next}. If that fails, the rename may or may not have reached
     * the disk, so the old pointer is written back; if even that fails, this directory refuses
     * further writes (a commit appended to the old changelog could be lost behind a new pointer).
     */
    private void switchPointer(long next) throws IOException {
        try {
            DurableFiles.writeAtomically(dir, POINTER, String.format("%08d%n", next));
        } catch (IOException e) {
            try {
                if (generation == 0) {
                    java.nio.file.Files.deleteIfExists(dir.resolve(POINTER));
                    DurableFiles.forceDirectory(dir);
                } else {
                    DurableFiles.writeAtomically(dir, POINTER, String.format("%08d%n", generation));
                }
            } catch (IOException restore) {
                e.addSuppressed(restore);
                broken = new StorageException("cannot switch " + dir.resolve(POINTER) + " to generation " + next
                        + " nor back to " + generation, e);
                throw broken;
            }
            throw e;
        }
    }

    /**
     * Fills a new data directory with one snapshot of {@code version} (an import) and opens it; the
     * caller switches {@code CURRENT} to it afterwards.
     */
    static DataDirectory initialize(Path dir, boolean sync, long initialVersion, SavedVersion version) {
        Path snapshot = snapshotFile(dir, 1);
        TreeSnapshotFile.write(snapshot, initialVersion, List.of(version));
        Changelog log = Changelog.openAndRead(changelogFile(dir, 1), sync, new ArrayList<>());
        try {
            DurableFiles.writeAtomically(dir, POINTER, String.format("%08d%n", 1));
        } catch (IOException e) {
            log.close();
            throw new StorageException("cannot initialise data directory " + dir, e);
        }
        return new DataDirectory(dir, sync, 1, log);
    }

    @Override
    public void close() {
        changelog.close();
    }

    private static long readPointer(Path dir) {
        Path pointer = dir.resolve(POINTER);
        try {
            if (!Files.exists(pointer)) {
                return 0;
            }
            String text = Files.readString(pointer, StandardCharsets.UTF_8).strip();
            if (!GENERATION.matcher(text).matches()) {
                throw new CorruptionException(pointer, "does not name a generation: '" + text + "'");
            }
            return Long.parseLong(text);
        } catch (IOException e) {
            throw new StorageException("cannot read " + pointer, e);
        }
    }

    /** Removes leftovers of a snapshot that was being written, and retired generations. */
    private static void deleteStale(Path dir, long generation) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (m.matches() && (m.group(2) == null || m.group(3) != null || Long.parseLong(m.group(2)) != generation)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot clean " + dir, e);
        }
    }

    static Path snapshotFile(Path dir, long generation) {
        return dir.resolve(String.format("snapshot-%08d", generation));
    }

    static Path changelogFile(Path dir, long generation) {
        return dir.resolve(String.format("changelog-%08d", generation));
    }
}
