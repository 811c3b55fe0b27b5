package dev.keel.cli.parity;

import dev.keel.cli.CommandFailedException;
import dev.keel.cli.progress.Progress;
import dev.keel.cli.replay.OperationsParser;
import dev.keel.parity.DifferentialReplay;
import dev.keel.parity.GeneratedHistory;
import dev.keel.parity.LogicalDigest;
import dev.keel.parity.ParityManifest;
import dev.keel.parity.ParityOptions;
import dev.keel.parity.ParityReport;
import dev.keel.parity.RecordedHistory;
import dev.keel.parity.ReplayHistory;
import dev.keel.parity.ShardResult;
import dev.keel.parity.ShardStart;
import dev.keel.parity.ShardedParity;
import dev.keel.parity.Verdict;
import dev.keel.storage.api.ChangeSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keel parity}: replays one history into a flatkv and a tree store, compares their logical
 * digests to each other every N versions and at the end, and prints a summary table (stdout).
 * Exit code 0 only when every shard ran and every compared version matched; 1 with the report of
 * the first divergence (version, bucket, key, both values) otherwise.
 *
 * <p>Reading a WAL directory is not offered: it needs the engine, which does not exist yet.
 */
@Command(name = "parity",
        description = {
            "Replay one history into flatkv and tree and check they hold the same logical state.",
            "",
            "The two stores are compared to each other (logical digests) every N versions and at the end. "
                    + "With --shards, the history is split into version ranges replayed in parallel; each shard's "
                    + "starting digest must equal the previous shard's ending digest.",
            "",
            "Exit code 0 when every compared version matched, 1 on a divergence (reported with its first "
                    + "version, bucket, key and both values) or an error.",
            ""})
public final class ParityCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Source source;

    static final class Source {
        @Option(names = "--ops", paramLabel = "<file>", description = "An operations file, as 'keel replay' reads it.")
        Path ops;

        @Option(names = "--generate", paramLabel = "<seed>,<versions>", description = "A seeded generated history.")
        String generate;

        @Option(names = "--wal", paramLabel = "<dir>",
                description = "An engine's write-ahead log: every entry that makes a store version, from index 1.")
        Path wal;
    }

    @Option(names = "--every", paramLabel = "<n>", defaultValue = "" + ParityOptions.DEFAULT_EVERY,
            description = "Compare every n versions, and at the end (default: ${DEFAULT-VALUE}).")
    private int every;

    @Option(names = "--depth", paramLabel = "<bytes>", defaultValue = "1",
            description = "Digest bucket depth in bytes (default: ${DEFAULT-VALUE}).")
    private int depth;

    @Option(names = "--shards", paramLabel = "<k>", defaultValue = "1", description = "Version ranges replayed in parallel (default: ${DEFAULT-VALUE}).")
    private int shards;

    @Option(names = "--shard-start", paramLabel = "<how>", defaultValue = "LOGICAL_STATE",
            description = "How a later shard reaches its first version: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private ShardStart shardStart;

    @Option(names = "--manifest", paramLabel = "<file>", description = "Write the JSON manifest of shards, digests and verdicts here.")
    private Path manifest;

    @Option(names = "--work-dir", paramLabel = "<dir>",
            description = "Empty directory for the stores, kept afterwards (default: a temporary directory, deleted).")
    private Path workDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (every < 1) {
            throw new ParameterException(spec.commandLine(), "--every must be at least 1, was " + every);
        }
        if (depth < 0 || depth > LogicalDigest.MAX_DEPTH) {
            throw new ParameterException(spec.commandLine(), "--depth must be 0.." + LogicalDigest.MAX_DEPTH + ", was " + depth);
        }
        ReplayHistory history = source.ops != null ? readOps(source.ops)
                : source.wal != null ? readWal(source.wal) : generated(source.generate);
        if (shards < 1 || shards > history.versions()) {
            throw new ParameterException(spec.commandLine(), "--shards must be 1.." + history.versions()
                    + " (one version at least per shard), was " + shards);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean temporary = workDir == null;
        Path dir = temporary ? Files.createTempDirectory("keel-parity") : workDir;
        ParityReport report;
        try {
            report = run(history, dir, err);
        } finally {
            if (temporary) {
                deleteTree(dir);
            }
        }
        if (manifest != null) {
            Files.writeString(manifest, ParityManifest.toJson(report), StandardCharsets.UTF_8);
        }
        printSummary(out, report);
        return report.verdict() == Verdict.PASSED ? 0 : 1;
    }

    private ParityReport run(ReplayHistory history, Path dir, PrintWriter err) throws InterruptedException {
        ParityOptions options = ParityOptions.defaults().withEvery(every).withDepth(depth).withStart(shardStart);
        ShardedParity parity = new ShardedParity(DifferentialReplay.flatkvVersusTree(options));
        int threads = Runtime.getRuntime().availableProcessors();
        AtomicLong done = new AtomicLong();
        // Shards report from their threads; the display belongs to this one, which polls.
        CompletableFuture<ParityReport> running = CompletableFuture.supplyAsync(() -> {
            try {
                return parity.run(history, shards, null, threads, dir, (d, t) -> done.set(d));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        try (Progress progress = Progress.open("parity", "versions", history.versions(), err)) {
            while (true) {
                try {
                    ParityReport report = running.get(200, TimeUnit.MILLISECONDS);
                    progress.stepTo(done.get());
                    return report;
                } catch (TimeoutException e) {
                    progress.stepTo(done.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException("parity run failed", e.getCause());
                }
            }
        }
    }

    private void printSummary(PrintWriter out, ParityReport report) {
        out.print("parity: " + report.history() + ", flatkv vs tree, every " + report.every() + ", depth " + report.depth() + "\n");
        out.print(String.format("%-5s %-15s %-11s %-9s %-16s %-16s%n", "shard", "versions", "compared", "verdict",
                "start digest", "end digest").replace(System.lineSeparator(), "\n"));
        for (ShardResult s : report.shards()) {
            out.print(String.format("%-5d %-15s %-11d %-9s %-16s %-16s", s.index(), s.fromVersion() + ".." + s.toVersion(),
                    s.comparisons(), s.verdict().label(), shortHex(s.startDigest()), shortHex(s.endDigest())).stripTrailing() + "\n");
        }
        for (ParityReport.Link l : report.links()) {
            if (!l.intact()) {
                out.print("chain broken: shard " + (l.index() - 1) + " ends on another digest than shard " + l.index() + " starts from\n");
            }
        }
        for (ShardResult s : report.shards()) {
            if (s.error() != null) {
                out.print("shard " + s.index() + " failed: " + s.error() + "\n");
            }
        }
        Optional<ShardResult> diverged = report.firstDivergence();
        diverged.ifPresent(s -> out.print(s.divergence().describe() + "\n"));
        String last = report.shards().get(report.shards().size() - 1).endDigest();
        out.print("verdict: " + report.verdict().label()
                + (report.verdict() == Verdict.PASSED ? " (final digest " + last + ")" : "") + "\n");
        out.flush();
    }

    private static String shortHex(String hex) {
        return hex == null ? "-" : hex.substring(0, 16);
    }

    private ReplayHistory generated(String spec) {
        String[] parts = spec.split(",", -1);
        try {
            if (parts.length == 2) {
                long seed = Long.parseLong(parts[0].trim());
                long versions = Long.parseLong(parts[1].trim());
                if (versions >= 1) {
                    return new GeneratedHistory(seed, versions);
                }
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new ParameterException(this.spec.commandLine(),
                "--generate takes <seed>,<versions> (integers, at least 1 version), was '" + spec + "'");
    }

    private static ReplayHistory readOps(Path file) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CommandFailedException("cannot read the operations file " + file
                    + (Files.exists(file) ? " (not a readable file)" : " (no such file)"));
        }
        List<ChangeSet> batches = new ArrayList<>();
        try (OperationsParser parser = OperationsParser.open(file)) {
            Optional<OperationsParser.Batch> batch;
            while ((batch = parser.nextBatch()).isPresent()) {
                batches.add(batch.get().changes());
            }
        }
        if (batches.isEmpty()) {
            throw new CommandFailedException("the operations file " + file + " has no committed batch: nothing to compare");
        }
        return new RecordedHistory(batches, "ops " + file.getFileName());
    }

    /**
     * The versions a {@link dev.keel.raft.statemachine.StoreStateMachine} makes of a WAL's entries:
     * a block commits its mutations, a membership change or key rotation an empty change set, and a
     * lease (volatile) no version. Read-only: the log is never modified.
     */
    private static ReplayHistory readWal(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CommandFailedException("no WAL in " + dir + " (no such directory)");
        }
        List<ChangeSet> batches = new ArrayList<>();
        try (dev.keel.raft.wal.SegmentedLogStorage log = dev.keel.raft.wal.SegmentedLogStorage.builder(dir).readOnly(true).open()) {
            if (log.firstIndex() != 1) {
                throw new CommandFailedException("the WAL in " + dir + " starts at index " + log.firstIndex()
                        + " (compacted after a snapshot): parity needs the history from index 1");
            }
            for (long next = 1; next <= log.lastIndex(); ) {
                List<dev.keel.storage.api.consensus.LogEntry> entries = log.entries(next, log.lastIndex() + 1, 4L << 20);
                for (dev.keel.storage.api.consensus.LogEntry e : entries) {
                    dev.keel.raft.statemachine.Command command = dev.keel.raft.statemachine.CommandCodec.decode(e.payload());
                    if (command instanceof dev.keel.raft.statemachine.Command.Block block) {
                        batches.add(ChangeSet.of(block.mutations()));
                    } else if (!(command instanceof dev.keel.raft.statemachine.Command.HlcLease)) {
                        batches.add(ChangeSet.empty());
                    }
                }
                next += entries.size();
            }
        }
        if (batches.isEmpty()) {
            throw new CommandFailedException("the WAL in " + dir + " holds no entry that makes a version: nothing to compare");
        }
        return new RecordedHistory(batches, "wal " + dir.getFileName());
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary parity directory " + root, e);
        }
    }
}
