package dev.keel.cli.demo;

import dev.keel.cli.CommandFailedException;
import dev.keel.cli.progress.Progress;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keel demo}: commits a generated history to an embedded store, reopens it and checks that
 * it kept what was committed.
 *
 * <p>The demo directory holds a marker file and one store directory per backend
 * ({@code <dir>/flatkv}). A second run continues that store from its latest version;
 * {@code --reset} deletes the demo directory first, and only a directory the demo created (or an
 * empty one) is ever used or deleted.
 *
 * <p>Checks, each failing with exit code 1 and its name: every commit returns the next version;
 * after reopening, the latest version, commitment and metadata are those of the last commit;
 * every retained version committed by this run has the commitment its commit returned; a sample of
 * keys holds the expected values at the latest version and at a historical one.
 */
@Command(name = "demo",
        description = {
            "Commit a generated history to an embedded store, reopen it and check it.",
            "",
            "Each version has about 100 puts and a few deletes over 20,000 keys of 32 bytes (values of "
                    + "16 to 256 bytes, some empty). After reopening, the latest version and commitment must be "
                    + "those of the last commit, and the retained versions and a sample of keys must hold what was "
                    + "committed. A second run continues from the store's latest version.",
            "",
            "The summary goes to stdout; progress to stderr.",
            ""})
public final class DemoCommand implements Callable<Integer> {
    /** Marks a directory as the demo's own: the only kind it will write into or delete. */
    static final String MARKER_FILE = ".keel-demo";
    /** How far back the historical check looks: well inside the default retained window. */
    static final int HISTORY_DEPTH = 50;
    private static final long SEED = 0x6b65656cL;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--dir", paramLabel = "<dir>", defaultValue = ".keel-data/demo",
            description = "Demo directory; the store is in <dir>/<backend> (default: ${DEFAULT-VALUE}, "
                    + "under the current directory).")
    private Path dir;

    @Option(names = "--versions", paramLabel = "<n>", defaultValue = "2000",
            description = "Versions to commit (default: ${DEFAULT-VALUE}).")
    private int versions;

    @Option(names = "--backend", paramLabel = "<backend>", defaultValue = "flatkv",
            description = "Storage backend (default: ${DEFAULT-VALUE}).")
    private String backend;

    @Option(names = "--reset", description = "Delete the demo directory first and start from an empty store.")
    private boolean reset;

    @Option(names = "--sync", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Force every commit to disk before it returns (default: on; --no-sync is faster).")
    private boolean sync;

    /** What the commit phase did and what the checks expect. */
    private record CommitRun(long first, long last, long history, long puts, long deletes, long commitNanos,
                             Map<Long, Commitment> commitments, SampledKeys expected, SampledKeys expectedAtHistory) {
    }

    @Override
    public Integer call() throws IOException {
        if (versions < 1) {
            throw new ParameterException(spec.commandLine(), "--versions must be at least 1, was " + versions);
        }
        Stores.provider(backend); // an unknown backend fails here, before anything touches the disk
        Path storeDir = prepareDirectory(spec.commandLine().getErr());
        StoreOptions options = StoreOptions.defaults().withSync(sync);

        CommitRun run;
        try (VersionedStore store = Stores.open(backend, storeDir, options)) {
            run = commitVersions(store, storeDir);
        }

        long reopenStart = System.nanoTime();
        try (VersionedStore store = Stores.open(backend, storeDir, options)) {
            long reopenNanos = System.nanoTime() - reopenStart;
            checkLatest(store, run.last(), run.commitments().get(run.last()), run.expected());
            int historicalVersions = checkHistory(store, run.first(), run.last(), run.commitments());
            checkValuesAt(store, run.history(), run.expectedAtHistory());
            printSummary(storeDir, run, reopenNanos, store.latest().commitment(), countKeys(store), historicalVersions);
        }
        return ExitCode.OK;
    }

    private CommitRun commitVersions(VersionedStore store, Path storeDir) {
        PrintWriter err = spec.commandLine().getErr();
        long latest = store.latestVersion();
        if (latest == 0) {
            err.println("demo: new " + backend + " store in " + storeDir);
        } else {
            err.println("demo: " + storeDir + " already holds version " + latest + "; continuing from version "
                    + (latest + 1) + " (--reset starts over)");
        }
        err.flush();
        DemoWorkload workload = new DemoWorkload(SEED);
        SampledKeys expected = SampledKeys.read(store::get);
        SampledKeys expectedAtHistory = null;
        Map<Long, Commitment> commitments = new HashMap<>();
        long first = latest == 0 ? store.initialVersion() : latest + 1;
        long last = first + versions - 1;
        long history = Math.max(first, last - HISTORY_DEPTH);
        long puts = 0;
        long deletes = 0;
        long commitNanos = 0;
        try (Progress progress = Progress.open("demo", "versions", versions, err)) {
            for (long v = first; v <= last; v++) {
                List<DemoWorkload.Change> changes = workload.changes(v);
                ChangeSet changeSet = DemoWorkload.toChangeSet(changes);
                long start = System.nanoTime();
                CommitInfo info = store.commit(changeSet, CommitMetadata.atPosition(v, 1));
                commitNanos += System.nanoTime() - start;
                if (info.version() != v) {
                    throw new CheckFailedException("commit versions",
                            "commit returned version " + info.version() + ", expected " + v);
                }
                commitments.put(v, info.commitment());
                long deleted = changes.stream().filter(DemoWorkload.Change::isDelete).count();
                deletes += deleted;
                puts += changes.size() - deleted;
                expected.apply(changes);
                if (v == history) {
                    expectedAtHistory = expected.copy();
                }
                progress.stepTo(v - first + 1);
            }
        }
        return new CommitRun(first, last, history, puts, deletes, commitNanos, commitments, expected, expectedAtHistory);
    }

    private Path prepareDirectory(PrintWriter err) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CommandFailedException("--dir " + dir + " is not a directory");
        }
        boolean exists = Files.isDirectory(dir);
        if (exists && !Files.exists(dir.resolve(MARKER_FILE)) && !isEmptyDirectory(dir)) {
            throw new CommandFailedException(dir + " is not empty and was not created by keel demo (it has no "
                    + MARKER_FILE + " file); choose another --dir");
        }
        if (reset && exists) {
            deleteRecursively(dir);
            err.println("demo: deleted " + dir + " (--reset)");
        }
        Files.createDirectories(dir);
        Path marker = dir.resolve(MARKER_FILE);
        if (!Files.exists(marker)) {
            Files.writeString(marker, "Created by 'keel demo', which may delete this directory (--reset).\n");
        }
        return dir.resolve(backend);
    }

    private static boolean isEmptyDirectory(Path directory) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            return !entries.iterator().hasNext();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        // walkFileTree does not follow symbolic links: a link is deleted, never what it points to.
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void checkLatest(VersionedStore store, long last, Commitment lastCommitment, SampledKeys expected) {
        CommitInfo latest = store.latest();
        if (store.latestVersion() != last || latest.version() != last) {
            throw new CheckFailedException("latest version after reopen", "the store reports version "
                    + store.latestVersion() + " (latest() says " + latest.version() + "), the last commit was " + last);
        }
        if (!latest.commitment().equals(lastCommitment)) {
            throw new CheckFailedException("latest commitment after reopen", "the store reports " + latest.commitment()
                    + ", commit of version " + last + " returned " + lastCommitment);
        }
        if (latest.metadata().appliedIndex() != last) {
            throw new CheckFailedException("metadata after reopen", "version " + last + " reports applied index "
                    + latest.metadata().appliedIndex() + ", it was committed with " + last);
        }
        Optional<String> mismatch = expected.firstMismatch(store::get);
        if (mismatch.isPresent()) {
            throw new CheckFailedException("latest values after reopen", mismatch.get());
        }
    }

    /** @return the number of versions whose commitment was checked */
    private static int checkHistory(VersionedStore store, long first, long last, Map<Long, Commitment> committed) {
        long from = Math.max(first, store.oldestRetainedVersion());
        if (last - from + 1 < Math.min(last - first + 1, StoreOptions.DEFAULT_RETAINED_VERSIONS)) {
            throw new CheckFailedException("retained versions", "the store retains versions from "
                    + store.oldestRetainedVersion() + " to " + store.latestVersion() + ", fewer than the "
                    + StoreOptions.DEFAULT_RETAINED_VERSIONS + " it was opened to retain");
        }
        for (long v = from; v <= last; v++) {
            try (StoreView view = store.view(v)) {
                if (view.version() != v || !view.commitment().equals(committed.get(v))) {
                    throw new CheckFailedException("historical commitments", "the view of version " + v
                            + " shows version " + view.version() + " with " + view.commitment()
                            + ", commit of version " + v + " returned " + committed.get(v));
                }
            }
        }
        return (int) (last - from + 1);
    }

    private static void checkValuesAt(VersionedStore store, long version, SampledKeys expected) {
        try (StoreView view = store.view(version)) {
            Optional<String> mismatch = expected.firstMismatch(view::get);
            if (mismatch.isPresent()) {
                throw new CheckFailedException("historical values", "version " + version + ": " + mismatch.get());
            }
        } catch (VersionNotRetainedException e) {
            throw new CheckFailedException("historical values", e.getMessage(), e);
        }
    }

    private static long countKeys(VersionedStore store) {
        long n = 0;
        try (StoreView view = store.latestView(); KeyValueIterator it = view.scan()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private void printSummary(Path storeDir, CommitRun run, long reopenNanos, Commitment commitment, long keys,
                              int historicalVersions) {
        PrintWriter out = spec.commandLine().getOut();
        long committed = run.last() - run.first() + 1;
        long mutations = run.puts() + run.deletes();
        double commitSeconds = Math.max(run.commitNanos(), 1) / 1e9;
        out.println("keel demo: " + backend + " store in " + storeDir);
        out.println(fmt("  versions     %d..%d committed by this run (%,d)%s", run.first(), run.last(), committed,
                run.first() > 1 ? ", continuing the existing store" : ""));
        out.println(fmt("  mutations    %,d (%,d puts, %,d deletes)", mutations, run.puts(), run.deletes()));
        out.println(fmt("  throughput   %,.0f keys/s, %,.1f versions/s (%.2f s in commit, sync %s)",
                mutations / commitSeconds, committed / commitSeconds, commitSeconds, sync ? "on" : "off"));
        out.println(fmt("  reopen       %,.1f ms", reopenNanos / 1e6));
        out.println(fmt("  latest       version %d, %s %s", run.last(), commitment.scheme(), commitment.hex()));
        out.println(fmt("  keys         %,d in the store", keys));
        out.println(fmt("  checks       passed: latest version, commitment and metadata after reopen; commitments of "
                + "%d retained version%s; %d sampled keys at %s", historicalVersions, historicalVersions == 1 ? "" : "s",
                run.expected().size(), run.history() == run.last()
                        ? "version " + run.last() : "versions " + run.last() + " and " + run.history()));
        out.flush();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
