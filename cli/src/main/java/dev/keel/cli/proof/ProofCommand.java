package dev.keel.cli.proof;

import dev.keel.cli.CommandFailedException;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.StoreConfigurationException;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.tree.Ics23;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keel proof}: prints the ICS23 {@code CommitmentProof} of a key (its existence with its
 * value, or its absence) at a version of a {@code tree} store, as one line of lower-case hex on
 * stdout; the root it verifies against and the kind of proof go to stderr.
 *
 * <p>The command only reads the store, with two limits it documents rather than hides: it refuses
 * a missing or empty directory (opening one would create a store), and the open itself does what
 * every open does after a crash (cut a torn changelog tail, delete temporary files). It must not
 * be run on a store that a running node holds open: stores have no inter-process lock.
 *
 * <p>{@code --initial-version} must be the one the store was created with (genesis configuration);
 * the store refuses any other before touching a file, and the command reports that as exit code 1.
 */
@Command(name = "proof",
        subcommands = VerifyProofCommand.class,
        description = {
            "Print the ICS23 proof of a key at a version of a tree store.",
            "",
            "Stdout gets the CommitmentProof as one line of lower-case hex: an existence proof (with the value) "
                    + "when the key is present, a non-existence proof otherwise. Stderr gets the version, the root "
                    + "the proof verifies against, and the kind of proof. Check it with 'keel proof verify'.",
            "",
            "The store is opened to be read and is never committed to; do not run this on a store a running "
                    + "node holds open.",
            ""})
public final class ProofCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    // --dir and --key are checked in call(), not marked required: picocli would otherwise demand
    // them on 'keel proof verify' too, which is a subcommand of this one.
    @Option(names = "--dir", paramLabel = "<dir>", description = "Directory of an existing tree store (required).")
    private Path dir;

    @Option(names = "--key", paramLabel = "<hex>", converter = HexArgument.Converter.class,
            description = "The key, in hex (required).")
    private HexArgument keyArg;
    /** {@link #keyArg}'s bytes, once the options are checked. */
    private byte[] key;

    @Option(names = "--version", paramLabel = "<version>",
            description = "A retained version (default: the latest).")
    private Long version;

    @Option(names = "--initial-version", paramLabel = "<n>", defaultValue = "1",
            description = "The initial version the store was created with, from the genesis configuration "
                    + "(default: ${DEFAULT-VALUE}). Any other value is refused by the store and nothing is changed.")
    private long initialVersion;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        requireExistingStoreDirectory();
        try (VersionedStore store = open()) {
            if (version == null && store.isEmpty()) {
                throw new CommandFailedException("the tree store in " + dir + " has no committed version: there is "
                        + "nothing to prove");
            }
            long v = version == null ? store.latestVersion() : version;
            // A version outside the retained window is a VersionNotRetainedException, whose message
            // names the oldest retained and the latest version.
            try (StoreView view = store.view(v)) {
                byte[] proof = prove(view);
                boolean exists = Ics23.decode(proof).value() != null;
                // "\n", not println: one line of hex, the same on every platform.
                out.print(HexArgument.format(proof) + "\n");
                out.flush();
                err.println("version " + view.version() + " root " + view.commitment().hex());
                err.println(exists ? "existence proof: key " + HexArgument.format(key) + " is present"
                        : "non-existence proof: key " + HexArgument.format(key) + " is absent");
                err.flush();
            }
        }
        return ExitCode.OK;
    }

    private void checkOptions() {
        List<String> missing = new ArrayList<>();
        if (dir == null) {
            missing.add("'--dir=<dir>'");
        }
        if (keyArg == null) {
            missing.add("'--key=<hex>'");
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Missing required option"
                    + (missing.size() == 1 ? "" : "s") + ": " + String.join(", ", missing));
        }
        key = keyArg.bytes();
        try {
            Limits.checkKey(key);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--key: " + e.getMessage());
        }
        if (initialVersion < 1) {
            throw new ParameterException(spec.commandLine(), "--initial-version must be at least 1, was " + initialVersion);
        }
    }

    /** Opening a missing or empty directory would create a store there: refuse instead. */
    private void requireExistingStoreDirectory() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CommandFailedException("no store in " + dir + (Files.exists(dir) ? " (not a directory)"
                    : " (no such directory)"));
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                throw new CommandFailedException("no store in " + dir + " (the directory is empty)");
            }
        }
    }

    private VersionedStore open() {
        // Only the initial version has to agree with the store; the other options are local and
        // matter only to commits, which this command never makes (opening never prunes).
        StoreOptions options = StoreOptions.defaults().withInitialVersion(initialVersion);
        try {
            return Stores.open("tree", dir, options);
        } catch (StoreConfigurationException e) {
            throw new CommandFailedException(e.getMessage() + " (keel proof needs a tree store and the initial "
                    + "version it was created with; --initial-version is " + initialVersion + ")", e);
        }
    }

    private byte[] prove(StoreView view) {
        try {
            return Ics23.prove(view, key);
        } catch (IllegalStateException e) {
            // The empty tree (version 0): ICS23 proves absence only through a neighbour.
            throw new CommandFailedException(e.getMessage() + "; ICS23 has no proof of absence in an empty tree", e);
        }
    }
}
