package dev.keel.cli.demo;

import dev.keel.cli.CommandFailedException;
import dev.keel.cli.progress.Progress;
import dev.keel.raft.crypto.StaticKeyProvider;
import dev.keel.raft.engine.Engine;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.ScrubReport;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.crypto.KeyProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keel demo}: the whole story of a node that embeds Keel, told for each backend on an
 * embedded directory.
 *
 * <ol>
 *   <li>A standalone engine opens on an empty node; a few client threads propose generated blocks
 *       through {@link Engine#propose}; the engine snapshots every {@code --snapshot-every} entries
 *       and once on demand before the last blocks (which stay in the log as its tail); the engine
 *       closes.</li>
 *   <li>Restart: the store is at or after the snapshot, so the cold-start gate skips restoring it
 *       (SKIPPED) and a background scrub verifies the snapshot's body.</li>
 *   <li>Restoring restart: the store is moved aside, so the gate finds no applied index and restores
 *       the snapshot, then the engine replays the log tail.</li>
 * </ol>
 *
 * <p>Checks, each failing with exit code 1 and its name: the first open is FRESH; every proposal is
 * applied as a store version; the on-demand snapshot is at the applied index; the restart skips and
 * its scrub passes; the restoring restart restores that snapshot and replays exactly the tail; the
 * applied index, store version, commitment and logical digest are the same at close, after the skip
 * and after the restore; a sample of keys holds the values the blocks put; and with both backends,
 * flatkv and tree hold the same logical state.
 *
 * <p>Every run starts afresh: it deletes what an earlier run left in the demo directory, and only a
 * directory the demo created (or an empty one) is ever used or deleted.
 */
@Command(name = "demo",
        description = {
            "Propose blocks through the engine into each backend, snapshot, restart by skipping and by "
                    + "restoring the snapshot, and check that both restarts reach the same state.",
            "",
            "Client threads propose blocks of puts and deletes over 20,000 keys of 32 bytes (values of 16 to "
                    + "256 bytes, some empty). The engine snapshots periodically and once on demand before the "
                    + "last blocks. A restart then skips the snapshot (its store is at or after it), and a restart "
                    + "with the store moved aside restores it and replays the log tail. Each prints its cold-start "
                    + "report; the applied index and commitment must be identical both ways.",
            "",
            "Every run starts afresh in its directory. Results go to stdout; progress to stderr.",
            ""})
public final class DemoCommand implements Callable<Integer> {
    static final List<String> DEFAULT_BACKENDS = List.of("flatkv", "tree");
    private static final long SEED = 0x6b65656cL;
    /** The key id {@code --encrypt} rotates to. */
    private static final int DEMO_KEY = 1;
    /** The on-demand snapshot comes before the last tenth of the blocks: the log tail a restore replays. */
    private static final int TAIL_ONE_IN = 10;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--dir", paramLabel = "<dir>", defaultValue = ".keel-data/demo",
            description = "Demo directory; each backend's node is in <dir>/<backend> (default: ${DEFAULT-VALUE}, "
                    + "under the current directory). Deleted and recreated by every run.")
    private Path dir;

    @Option(names = "--backend", paramLabel = "<backend>", split = ",",
            description = "Storage backend(s), comma-separated (default: flatkv,tree).")
    private List<String> backends;

    @Option(names = "--blocks", paramLabel = "<n>", defaultValue = "2000",
            description = "Blocks to propose per backend, at least 2 (default: ${DEFAULT-VALUE}).")
    private int blocks;

    @Option(names = "--block-size", paramLabel = "<n>", defaultValue = "100",
            description = "Operations per block, about one in " + DemoWorkload.DELETE_ONE_IN
                    + " a delete (default: ${DEFAULT-VALUE}).")
    private int blockSize;

    @Option(names = "--clients", paramLabel = "<n>", defaultValue = "4",
            description = "Client threads proposing at once, 1-64 (default: ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--encrypt", description = "Encrypt each node's log and snapshots at rest (AES-256-GCM): a fresh "
            + "key 1 in <dir>/keys, turned on by a key rotation before the first block.")
    private boolean encrypt;

    @Option(names = "--snapshot-every", paramLabel = "<n>", defaultValue = "250",
            description = "Applied entries between automatic snapshots, at least 2 (default: ${DEFAULT-VALUE}).")
    private long snapshotEvery;

    /**
     * How one restart went.
     *
     * @param report the engine's cold-start report
     * @param storeOpenNanos how long the store took to open
     * @param readyNanos from opening the engine on the store to the engine being ready
     * @param state the node's state once ready
     */
    record Restart(ColdStartReport report, long storeOpenNanos, long readyNanos, NodeState state) {
        static Restart of(DemoNode.Running node) {
            return new Restart(node.report(), node.storeOpenNanos(), node.readyNanos(), NodeState.of(node));
        }

        /** @return from opening the store to the engine being ready */
        long totalNanos() {
            return storeOpenNanos + readyNanos;
        }
    }

    /** What one backend's run did, for the summary. */
    record BackendRun(String backend, long blocks, NodeState atClose, Restart skip, Restart restore) {
    }

    @Override
    public Integer call() throws IOException {
        checkSettings();
        List<String> chosen = chosenBackends();
        DemoWorkload workload = new DemoWorkload(SEED, clients, blockSize);
        Path root = dir.toAbsolutePath().normalize();
        boolean deleted = DemoDirectory.refresh(root);
        KeyProvider keys = null;
        if (encrypt) {
            Path keyDir = Files.createDirectories(root.resolve("keys"));
            StaticKeyProvider.writeRandomKey(keyDir, DEMO_KEY, new SecureRandom());
            keys = StaticKeyProvider.fromDirectory(keyDir);
        }
        DemoNode.Settings settings = new DemoNode.Settings(snapshotEvery, VerificationPolicy.HEADER, keys);

        PrintWriter out = spec.commandLine().getOut();
        out.println(fmt("keel demo: %,d blocks of %,d operations from %d client%s, through the engine, into %s",
                blocks, blockSize, clients, clients == 1 ? "" : "s", String.join(" and ", chosen)));
        out.println("  directory    " + root + (deleted ? " (the previous run's data was deleted)" : ""));
        if (encrypt) {
            out.println("  encryption   AES-256-GCM on every log entry after the cutover and on snapshots; key "
                    + DEMO_KEY + " in " + root.resolve("keys"));
        }
        out.flush();

        SampledKeys expected = expectedSample(workload);
        List<BackendRun> runs = new ArrayList<>();
        for (String backend : chosen) {
            runs.add(runBackend(new DemoNode(backend, root.resolve(backend), settings), workload, expected, out));
        }
        Optional<String> parity = checkParity(runs);
        printSummary(out, runs, parity, expected.size());
        return ExitCode.OK;
    }

    private void checkSettings() {
        if (blocks < 2) {
            throw new ParameterException(spec.commandLine(), "--blocks must be at least 2, was " + blocks);
        }
        if (blockSize < 1) {
            throw new ParameterException(spec.commandLine(), "--block-size must be at least 1, was " + blockSize);
        }
        if (clients < 1 || clients > 64) {
            throw new ParameterException(spec.commandLine(), "--clients must be 1-64, was " + clients);
        }
        if (snapshotEvery < 2) {
            // The log tail after the on-demand snapshot must be shorter than a periodic interval.
            throw new ParameterException(spec.commandLine(), "--snapshot-every must be at least 2, was " + snapshotEvery);
        }
    }

    /** @return the backends to run, each once, in the order given; an unknown one fails before anything touches the disk */
    private List<String> chosenBackends() {
        List<String> chosen = List.copyOf(new LinkedHashSet<>(backends == null ? DEFAULT_BACKENDS : backends));
        for (String backend : chosen) {
            Stores.provider(backend);
        }
        return chosen;
    }

    /**
     * The blocks proposed after the on-demand snapshot: a tenth, and fewer than a periodic interval, so
     * that no periodic snapshot follows and a restore has a log tail to replay.
     */
    private long tailBlocks() {
        return Math.max(1, Math.min(blocks / TAIL_ONE_IN, snapshotEvery - 1));
    }

    /** Each client owns its keys, so the final values follow from the blocks whatever the interleaving. */
    private SampledKeys expectedSample(DemoWorkload workload) {
        SampledKeys expected = SampledKeys.empty();
        for (long b = 0; b < blocks; b++) {
            expected.apply(workload.changes(b));
        }
        return expected;
    }

    private BackendRun runBackend(DemoNode node, DemoWorkload workload, SampledKeys expected, PrintWriter out)
            throws IOException {
        String backend = node.backend();
        long tail = tailBlocks();
        out.println();
        out.println(backend + ": node in " + node.root() + " (wal/, snapshots/, store/)");
        long proposeNanos;
        SnapshotToken snapshot;
        NodeState atClose;
        try (DemoNode.Running first = node.start(); BlockClients proposers = new BlockClients(workload)) {
            ColdStartReport open = first.report();
            printLine(out, "open", describe(open));
            if (open.outcome() != ColdStartOutcome.FRESH) {
                throw new CheckFailedException("first open", backend + ": an empty node opened " + open.outcome()
                        + ", expected FRESH");
            }
            if (encrypt) {
                await(first.engine().rotateKey(DEMO_KEY), backend + ": the key rotation that turns encryption on");
                printLine(out, "encryption", fmt("on from index %,d (the rotation entry, the cutover): every entry "
                        + "after it and every snapshot is sealed with key %d", first.engine().appliedIndex(), DEMO_KEY));
            }
            long start = System.nanoTime();
            try (Progress progress = Progress.open(backend, "blocks", blocks, spec.commandLine().getErr())) {
                proposers.propose(first.engine(), 0, blocks - tail, progress);
                snapshot = await(first.engine().snapshot(), backend + ": the on-demand snapshot");
                long appliedAtSnapshot = first.engine().appliedIndex();
                if (snapshot.index() != appliedAtSnapshot) {
                    throw new CheckFailedException("on-demand snapshot", backend + ": the snapshot is at index "
                            + snapshot.index() + ", the engine had applied " + appliedAtSnapshot);
                }
                proposers.propose(first.engine(), blocks - tail, blocks, progress);
            }
            proposeNanos = System.nanoTime() - start;
            atClose = NodeState.of(first);
            double seconds = Math.max(proposeNanos, 1) / 1e9;
            long operations = (long) blocks * blockSize;
            printLine(out, "proposed", fmt("%,d blocks (%,d operations) from %d client%s as %,d log entries in %.2f s: "
                    + "%,.0f blocks/s, %,.0f operations/s", blocks, operations, clients, clients == 1 ? "" : "s",
                    atClose.engineApplied(), seconds, blocks / seconds, operations / seconds));
            printLine(out, "snapshots", fmt("every %,d entries, and on demand at index %,d (%s); the %,d blocks "
                    + "proposed after it are the log tail", snapshotEvery, snapshot.index(),
                    bytes(snapshot.fileLength()), tail));
            requireSample(expected, first, backend + " at close");
        }

        Restart skip;
        DemoNode.Running skipping = node.start();
        try (skipping) {
            skip = Restart.of(skipping);
            printRestart(out, "restart", "", skip);
            requireSample(expected, skipping, backend + " after the skipping restart");
        }
        requireOutcome("skipping restart", backend, skip.report(), snapshot, atClose, ColdStartOutcome.SKIPPED);
        // Closing waited for the background scrub of the skipped snapshot.
        ScrubReport scrub = skipping.scrub().orElseThrow(() -> new CheckFailedException("snapshot scrub", backend
                + ": the restart skipped the snapshot but no background scrub reported"));
        printLine(out, "", fmt("background scrub of the snapshot at %,d: %s, %s read in %s", scrub.snapshotIndex(),
                scrub.passed() ? "passed" : "FAILED", bytes(scrub.bytesRead()), millis(scrub.elapsed().toNanos())));
        if (!scrub.passed()) {
            throw new CheckFailedException("snapshot scrub", backend + ": the snapshot at index " + scrub.snapshotIndex()
                    + " failed its full check: " + scrub.failure());
        }
        NodeState.requireSame("skipping restart", "at close", atClose, "after the skipping restart", skip.state());

        node.moveStoreAside();
        Restart restore;
        try (DemoNode.Running restoring = node.start()) {
            restore = Restart.of(restoring);
            printRestart(out, "restore", "store moved aside: ", restore);
            requireSample(expected, restoring, backend + " after the restoring restart");
        }
        requireOutcome("restoring restart", backend, restore.report(), snapshot, atClose, ColdStartOutcome.EXECUTED,
                ColdStartOutcome.FALLBACK);
        NodeState.requireSame("restoring restart", "after the skipping restart", skip.state(), "after the restoring restart",
                restore.state());
        node.deleteMovedAsideStore();
        printLine(out, "state", fmt("applied index %,d, version %,d, %,d keys: identical at close, after the skip and "
                + "after the restore", atClose.engineApplied(), atClose.version(), atClose.digest().keyCount()));
        printLine(out, "commitment", atClose.commitment().toString());
        out.flush();
        return new BackendRun(backend, blocks, atClose, skip, restore);
    }

    private static void requireSample(SampledKeys expected, DemoNode.Running node, String where) {
        Optional<String> mismatch = expected.firstMismatch(node.stateMachine().store()::get);
        if (mismatch.isPresent()) {
            throw new CheckFailedException("sampled keys", where + ": " + mismatch.get());
        }
    }

    /**
     * A skipping restart must start from the store's own applied index; a restoring one from the
     * snapshot, replaying the log after it.
     */
    private static void requireOutcome(String check, String backend, ColdStartReport report, SnapshotToken snapshot,
                                       NodeState atClose, ColdStartOutcome... allowed) {
        if (!List.of(allowed).contains(report.outcome())) {
            throw new CheckFailedException(check, backend + ": the gate chose " + describe(report) + ", expected "
                    + String.join(" or ", List.of(allowed).stream().map(Enum::name).toList()));
        }
        if (report.snapshotIndex() != snapshot.index()) {
            throw new CheckFailedException(check, backend + ": the gate saw a snapshot at index " + report.snapshotIndex()
                    + ", the last one taken is at " + snapshot.index());
        }
        boolean skipped = report.outcome() == ColdStartOutcome.SKIPPED;
        long floor = skipped ? atClose.engineApplied() : snapshot.index();
        if (report.floor() != floor || report.commitIndex() != atClose.engineApplied()) {
            throw new CheckFailedException(check, backend + ": the open replayed the log from index " + (report.floor() + 1)
                    + " to " + report.commitIndex() + ", expected from " + (floor + 1) + " to " + atClose.engineApplied());
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(DemoNode.READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CommandFailedException(what + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new CommandFailedException(what + " did not complete within " + DemoNode.READY_TIMEOUT.toMinutes()
                    + " minutes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException(what + " was interrupted", e);
        }
    }

    /** With two or more backends, every one must hold the first one's logical state. */
    private static Optional<String> checkParity(List<BackendRun> runs) {
        if (runs.size() < 2) {
            return Optional.empty();
        }
        BackendRun first = runs.get(0);
        for (BackendRun other : runs.subList(1, runs.size())) {
            if (!first.atClose().digest().sameContent(other.atClose().digest())) {
                throw new CheckFailedException("backend parity", first.backend() + " holds " + first.atClose().digest().keyCount()
                        + " keys with logical digest " + first.atClose().digest().hex() + ", " + other.backend() + " "
                        + other.atClose().digest().keyCount() + " keys with " + other.atClose().digest().hex());
            }
        }
        return Optional.of(fmt("%s hold the same %,d keys and values: logical digest %s",
                String.join(" and ", runs.stream().map(BackendRun::backend).toList()), first.atClose().digest().keyCount(),
                first.atClose().digest().hex()));
    }

    // ------------------------------------------------------------------ output

    private static void printLine(PrintWriter out, String label, String text) {
        out.println(fmt("  %-12s %s", label, text));
        out.flush();
    }

    private static void printRestart(PrintWriter out, String label, String prefix, Restart restart) {
        ColdStartReport r = restart.report();
        printLine(out, label, prefix + describe(r));
        printLine(out, "", fmt("%s; cold start %s, %s of the snapshot read", action(r), millis(r.elapsed().toNanos()),
                bytes(r.bytesRead())));
        printLine(out, "", fmt("the store opened in %s; the engine was ready %s later", millis(restart.storeOpenNanos()),
                millis(restart.readyNanos())));
    }

    /** @return the outcome and what the gate saw that led to it */
    static String describe(ColdStartReport r) {
        return switch (r.outcome()) {
            case FRESH -> "FRESH: an empty node without a snapshot";
            case RESUMED -> fmt("RESUMED: no snapshot; the store is at index %,d", r.have());
            case SKIPPED -> fmt("SKIPPED: the store is at index %,d, at or after the snapshot at %,d", r.have(),
                    r.snapshotIndex());
            case EXECUTED -> fmt("EXECUTED: the store is at index %,d, behind the snapshot at %,d", r.have(),
                    r.snapshotIndex());
            case FALLBACK -> "FALLBACK (" + r.reason().label() + "): " + fallbackCause(r);
        };
    }

    /** @return what the open did: restored the snapshot or not, and how much of the log it replayed */
    private static String action(ColdStartReport r) {
        long replayed = Math.max(0, r.commitIndex() - r.floor());
        String replay = replayed == 0 ? "nothing to replay" : fmt("replayed the %,d log entr%s after index %,d", replayed,
                replayed == 1 ? "y" : "ies", r.floor());
        boolean restored = r.outcome() == ColdStartOutcome.EXECUTED
                || (r.outcome() == ColdStartOutcome.FALLBACK && r.snapshotIndex() >= 0);
        return (restored ? fmt("restored the snapshot at %,d, ", r.snapshotIndex()) : "no snapshot restored, ") + replay;
    }

    private static String fallbackCause(ColdStartReport r) {
        return switch (r.reason()) {
            case MISSING_META -> "the store records no applied index";
            case READ_ERROR -> "reading the store's applied index failed";
            case NOT_READER -> "the state machine cannot tell its applied index";
            case NONE -> "no reason given";
        };
    }

    private static void printSummary(PrintWriter out, List<BackendRun> runs, Optional<String> parity, int sampledKeys) {
        out.println();
        out.println("summary  (cold start: the engine's report, gate to restored state; ready: from opening the store)");
        String format = "  %-8s %7s %8s  %-9s %9s %9s %9s  %-23s %9s %9s %9s  %s%n";
        out.printf(Locale.ROOT, format, "backend", "blocks", "applied", "restart", "cold st.", "ready", "read",
                "restore", "cold st.", "ready", "read", "commitment (hex)");
        for (BackendRun run : runs) {
            Restart skip = run.skip();
            Restart restore = run.restore();
            out.printf(Locale.ROOT, format, run.backend(), fmt("%,d", run.blocks()), fmt("%,d", run.atClose().engineApplied()),
                    outcomeLabel(skip.report()), millis(skip.report().elapsed().toNanos()), millis(skip.totalNanos()),
                    bytes(skip.report().bytesRead()), outcomeLabel(restore.report()),
                    millis(restore.report().elapsed().toNanos()), millis(restore.totalNanos()),
                    bytes(restore.report().bytesRead()), run.atClose().commitment().hex());
        }
        out.println();
        parity.ifPresent(p -> printLine(out, "parity", p));
        printLine(out, "checks", fmt("passed: a fresh first open; every block applied as a store version; the "
                + "skipping and the restoring restart reach the applied index, version, commitment and logical digest "
                + "the node had at close; %d sampled keys hold the values proposed%s", sampledKeys,
                parity.isPresent() ? "; the backends hold the same keys and values" : ""));
        if (runs.stream().map(BackendRun::backend).toList().contains("tree")) {
            printLine(out, "note", "the tree's commitment depends on how the engine packed the clients' concurrent "
                    + "blocks into entries, so it can differ from run to run; flatkv's depends on the content only");
        }
        out.flush();
    }

    private static String outcomeLabel(ColdStartReport r) {
        return r.outcome() == ColdStartOutcome.FALLBACK ? "FALLBACK (" + r.reason().label() + ")" : r.outcome().name();
    }

    private static String millis(long nanos) {
        double ms = nanos / 1e6;
        return ms < 10 ? fmt("%.2f ms", ms) : ms < 10_000 ? fmt("%,.0f ms", ms) : fmt("%,.1f s", ms / 1000);
    }

    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        return n < 1024 * 1024 ? fmt("%.1f KiB", n / 1024.0) : fmt("%.1f MiB", n / (1024.0 * 1024));
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
