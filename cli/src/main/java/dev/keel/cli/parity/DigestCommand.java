package dev.keel.cli.parity;

import dev.keel.cli.CommandFailedException;
import dev.keel.cli.progress.Progress;
import dev.keel.parity.BucketDigest;
import dev.keel.parity.LogicalDigest;
import dev.keel.parity.LogicalDigester;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keel digest}: prints the backend-independent logical digest of one version of a store:
 * one line per non-empty bucket ({@code bucket <prefix hex> <count> <digest hex>}), then
 * {@code keys <n>} and {@code digest <hex>}. A version the store does not hold is an error (exit
 * 1), never the digest of another version.
 */
@Command(name = "digest",
        description = {
            "Print the logical digest of one version of a store: per-bucket digests and counts, then the final digest.",
            "",
            "The digest depends only on the version's (key, value) pairs, so a flatkv and a tree store holding "
                    + "the same pairs print the same lines. The version must exist in the store (exit code 1 otherwise).",
            ""})
public final class DigestCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--backend", required = true, paramLabel = "<backend>", description = "Storage backend, e.g. flatkv or tree.")
    private String backend;

    @Option(names = "--dir", required = true, paramLabel = "<dir>", description = "Directory of an existing store.")
    private Path dir;

    @Option(names = "--version", required = true, paramLabel = "<n>", description = "The version to digest.")
    private long version;

    @Option(names = "--depth", paramLabel = "<bytes>", defaultValue = "1",
            description = "Bucket prefix length in bytes, 0-" + LogicalDigest.MAX_DEPTH + " (default: ${DEFAULT-VALUE}: 256 buckets).")
    private int depth;

    @Option(names = "--initial-version", paramLabel = "<n>", defaultValue = "1",
            description = "The store's genesis initial version (default: ${DEFAULT-VALUE}); a store refuses to open with another.")
    private long initialVersion;

    @Override
    public Integer call() {
        if (depth < 0 || depth > LogicalDigest.MAX_DEPTH) {
            throw new ParameterException(spec.commandLine(), "--depth must be 0.." + LogicalDigest.MAX_DEPTH + ", was " + depth);
        }
        if (initialVersion < 1) {
            throw new ParameterException(spec.commandLine(), "--initial-version must be at least 1, was " + initialVersion);
        }
        if (!Files.isDirectory(dir)) {
            // Stores.open would create an empty store here: never as a side effect of reading.
            throw new CommandFailedException("no store at " + dir + " (not a directory)");
        }
        Stores.provider(backend);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LogicalDigest digest;
        try (VersionedStore store = Stores.open(backend, dir, StoreOptions.defaults().withSync(false).withInitialVersion(initialVersion));
             Progress progress = Progress.open("digest", "keys", -1, err)) {
            digest = new LogicalDigester(depth).digest(store, version, (done, total) -> progress.stepTo(done));
        }
        for (BucketDigest b : digest.buckets()) {
            out.print("bucket " + (b.prefix().length == 0 ? "-" : b.prefixHex()) + " " + b.count() + " " + b.digestHex() + "\n");
        }
        out.print("keys " + digest.keyCount() + "\n");
        out.print("digest " + digest.hex() + "\n");
        out.flush();
        err.println("digest: version " + version + " of the " + backend + " store in " + dir + ": " + digest.keyCount()
                + " keys in " + digest.buckets().size() + " buckets (depth " + depth + ")");
        err.flush();
        return ExitCode.OK;
    }
}
