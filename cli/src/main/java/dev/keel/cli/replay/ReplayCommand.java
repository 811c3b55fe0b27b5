package dev.keel.cli.replay;

import dev.keel.cli.CommandFailedException;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keel replay}: commits the batches of an operations file into an empty store and prints
 * {@code version <n> <commitment hex>} after each commit, exactly what the {@code .expected} files
 * of the shared test vectors hold. Stdout carries nothing else.
 *
 * <p>Batches are committed as they are read. A bad line stops the replay with exit code 1: its
 * batch is not committed, the batches before it are (and were printed).
 */
@Command(name = "replay",
        description = {
            "Commit an operations file into an empty store, printing each version's commitment.",
            "",
            "After each commit, stdout gets 'version <n> <commitment hex>' and nothing else. The first "
                    + "commit is version 1.",
            "",
            "Operations file: one operation a line, 'set <hex key> <hex value>', 'remove <hex key>' or "
                    + "'commit'; blank lines and lines starting with # are ignored; an empty value is written \"\". "
                    + "A bad line stops the replay with exit code 1: its batch is not committed, the batches "
                    + "before it are. Operations after the last commit are not committed.",
            ""})
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--backend", required = true, paramLabel = "<backend>",
            description = "Storage backend, e.g. flatkv or tree.")
    private String backend;

    @Option(names = "--dir", required = true, paramLabel = "<dir>",
            description = "Directory of the store; created if missing, and the store in it must be empty.")
    private Path dir;

    @Option(names = "--ops", required = true, paramLabel = "<file>", description = "The operations file.")
    private Path ops;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(ops) || !Files.isReadable(ops)) {
            throw new CommandFailedException("cannot read the operations file " + ops
                    + (Files.exists(ops) ? " (not a readable file)" : " (no such file)"));
        }
        int committed = 0;
        try (OperationsParser parser = OperationsParser.open(ops);
             VersionedStore store = Stores.open(backend, dir, StoreOptions.defaults())) {
            if (!store.isEmpty()) {
                throw new CommandFailedException("the " + backend + " store in " + dir + " already holds version "
                        + store.latestVersion() + "; replay needs an empty store (use a new --dir)");
            }
            Optional<OperationsParser.Batch> batch;
            while ((batch = nextBatch(parser, store, err)).isPresent()) {
                CommitInfo info = store.commit(batch.get().changes(), CommitMetadata.EMPTY);
                committed++;
                // "\n", not println: the output is compared byte for byte on every platform.
                out.print("version " + info.version() + " " + info.commitment().hex() + "\n");
                out.flush();
            }
            if (parser.pendingOperations() > 0) {
                err.println("keel: warning: " + parser.pendingOperations() + " operation"
                        + (parser.pendingOperations() == 1 ? "" : "s") + " after the last commit (from line "
                        + parser.firstPendingLine() + ") not committed: the file does not end with 'commit'");
            }
            err.println("replay: " + committed + " commit" + (committed == 1 ? "" : "s") + " from " + ops
                    + " into the " + backend + " store in " + dir
                    + (committed == 0 ? "" : ", latest version " + store.latestVersion()));
            err.flush();
        }
        return ExitCode.OK;
    }

    private Optional<OperationsParser.Batch> nextBatch(OperationsParser parser, VersionedStore store, PrintWriter err) {
        try {
            return parser.nextBatch();
        } catch (OperationsFormatException e) {
            err.println("replay: stopped at line " + e.line() + " of " + ops + "; the batch in progress was not committed"
                    + (store.isEmpty() ? ", nothing was" : ", versions up to " + store.latestVersion() + " were"));
            throw e;
        }
    }
}
