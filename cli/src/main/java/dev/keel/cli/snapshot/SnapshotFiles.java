package dev.keel.cli.snapshot;

import dev.keel.cli.CommandFailedException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the snapshot commands share about files. */
final class SnapshotFiles {
    /** The footer's size, format version 1. */
    static final int FOOTER_BYTES = 4;

    private SnapshotFiles() {
    }

    /**
     * A missing or non-regular file is an operator's mistake, not a failed check: it exits 1 with
     * a plain message instead of an I/O stack or a check's exit code.
     */
    static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CommandFailedException("no snapshot file " + file
                    + (Files.exists(file) ? " (not a regular file)" : " (no such file)"));
        }
    }
}
