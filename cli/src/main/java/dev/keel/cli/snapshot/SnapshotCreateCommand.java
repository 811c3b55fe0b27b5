package dev.keel.cli.snapshot;

import dev.keel.cli.CommandFailedException;
import dev.keel.snapshot.format.SnapshotWriteOptions;
import dev.keel.snapshot.format.SnapshotWriter;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keel snapshot create --backend B --dir D --out FILE [--version V]}: exports one retained
 * version of a store into a snapshot file with {@link SnapshotWriter} (1 MiB chunks, not sealed)
 * and prints the token naming it, in the form {@code verify --token} accepts.
 *
 * <p>The snapshot's index and term are the exported version's applied index and term; a version
 * committed without a consensus position (applied index or term 0) cannot be a snapshot and is
 * refused (exit 1). The store is opened normally, so the backend may run its usual open-time
 * recovery; an absent or empty directory is refused rather than created.
 */
@Command(name = "create",
        description = {"Export a store version into a snapshot file and print its token.", ""})
public final class SnapshotCreateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--backend", required = true, paramLabel = "BACKEND", description = "The store's backend (e.g. flatkv).")
    private String backend;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The store's directory.")
    private Path dir;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The snapshot file to write (replaced atomically if it exists).")
    private Path out;

    @Option(names = "--version", paramLabel = "V", description = "The store version to export (default: the latest).")
    private Long version;

    @Override
    public Integer call() throws IOException {
        requireStoreDirectory();
        SnapshotToken token;
        long exported;
        try (VersionedStore store = Stores.open(backend, dir, StoreOptions.defaults())) {
            exported = version != null ? version : store.latestVersion();
            try (StoreExport export = store.export(exported)) {
                token = SnapshotWriter.write(export, out, SnapshotWriteOptions.DEFAULTS);
            } catch (IllegalArgumentException e) {
                // The writer's refusal of a version without a consensus position.
                throw new CommandFailedException("cannot snapshot version " + exported + " of " + dir + ": "
                        + e.getMessage(), e);
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("wrote " + out + " version " + exported + " index " + token.index() + " term " + token.term()
                + " bytes " + token.fileLength());
        stdout.println("token " + TokenArgument.format(token));
        stdout.flush();
        return ExitCode.OK;
    }

    /** Stores.open would create a store in a missing or empty directory; a typo must not do that. */
    private void requireStoreDirectory() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CommandFailedException("no store in " + dir + (Files.exists(dir) ? " (not a directory)"
                    : " (no such directory)"));
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                throw new CommandFailedException("no store in " + dir + " (empty directory)");
            }
        }
    }
}
