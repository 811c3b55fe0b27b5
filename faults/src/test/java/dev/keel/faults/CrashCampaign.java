package dev.keel.faults;

import dev.keel.storage.api.coldstart.ColdStartObserver;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.ScrubReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One backend's process-crash campaign on one data directory: a {@link CrashChild} runs proposal
 * load until SIGKILL at a seeded random instant; then, usually, the node is reopened in this
 * process and checked ({@link GateExpectation}, {@link HistoryModel}), closed, and the next child
 * continues the load on the same directory. Sometimes (a <em>chained</em> kill) the check is left
 * out and the next child recovers the crashed node itself, often killed again during that
 * recovery. The next child's JVM starts while the current one runs, so its start is off the
 * cycle's critical path.
 *
 * <p>Everything random (kill instants, which kills land in start-up, which are chained, the
 * workload's content) derives from the seed; thread timing does not, so a seed replays the same
 * schedule and content, not the same interleaving. Not thread-safe; use once.
 */
final class CrashCampaign {
    private static final long LINE_TIMEOUT_MS = 120_000;

    /** How hard and how long to push. */
    record Plan(int cycles, int clients, int window, long loadMillis, long startupMillis, double startupKillShare,
                double chainShare) {
        /** @return the plan the CI profile and the long profile use, with {@code cycles} kills */
        static Plan standard(int cycles) {
            return new Plan(cycles, 4, 4, 1000, 500, 0.15, 0.2);
        }
    }

    /** What a finished campaign did. */
    record Result(String backend, long seed, int kills, int startupKills, int chainedKills, int verifications,
                  Map<String, Integer> outcomes, long entries, long proposals, long acked, long recoveredUnacknowledged,
                  int snapshotsSeen, int storeBehindLog, int commitBehindLog, int partialSnapshotFiles, Duration elapsed) {
        String summary() {
            return "backend=" + backend + " seed=" + seed + " kills=" + kills + " (timed from go rather than ready: "
                    + startupKills + "; chained: " + chainedKills + ") verifications=" + verifications
                    + " outcomes=" + outcomes
                    + " entries=" + entries + " proposals=" + proposals + " acknowledged=" + acked
                    + " recoveredUnacknowledged=" + recoveredUnacknowledged  + " snapshotsSeen=" + snapshotsSeen
                    + " reopensReplayingIntoTheStore=" + storeBehindLog + " reopensWithCommitBehindLog=" + commitBehindLog
                    + " partialSnapshotFilesLeft=" + partialSnapshotFiles + " elapsed=" + elapsed.toSeconds() + "s";
        }
    }

    private final NodeSettings settings;
    private final long seed;
    private final Plan plan;
    private final Path run;
    private final Path nodeDir;
    private final Path journal;
    private final Path events;
    private final SplittableRandom random;
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final Set<Long> snapshotIndexes = new HashSet<>();
    private int storeBehindLog;
    private int commitBehindLog;
    private int cycle;

    CrashCampaign(NodeSettings settings, long seed, Plan plan, Path run) {
        this.settings = settings;
        this.seed = seed;
        this.plan = plan;
        this.run = run;
        this.nodeDir = run.resolve(CrashChild.NODE_DIR);
        this.journal = run.resolve(CrashChild.JOURNAL_FILE);
        this.events = run.resolve(CrashChild.EVENTS_FILE);
        this.random = new SplittableRandom(seed ^ settings.backend().hashCode());
    }

    /**
     * @return what the campaign did
     * @throws AssertionError at the first departure, naming the seed, the cycle and the run directory
     */
    Result run() {
        long started = System.nanoTime();
        int startupKills = 0;
        int chainedKills = 0;
        int verifications = 0;
        ChildJvm child = null;
        ChildJvm next = null;
        try (HistoryModel model = new HistoryModel(seed, plan.clients(), settings.backend(), run.resolve("model-store"))) {
            child = startChild(1);
            child.awaitLine("prewarmed", LINE_TIMEOUT_MS);
            boolean chained = false;
            for (cycle = 1; cycle <= plan.cycles(); cycle++) {
                WalProbe probe = WalProbe.of(nodeDir.resolve("wal"), settings.segmentBytes());
                long go = System.nanoTime();
                child.go();
                boolean last = cycle == plan.cycles();
                if (!last) {
                    // Starts while this one runs, so the JVM's start is off the cycle's critical path.
                    next = startChild(cycle + 1);
                }
                boolean startup = random.nextDouble() < (chained ? 0.5 : plan.startupKillShare());
                long delay = random.nextLong((startup ? plan.startupMillis() : plan.loadMillis()) + 1);
                if (startup) {
                    startupKills++;
                } else {
                    child.awaitLine("ready", LINE_TIMEOUT_MS);
                }
                long readyMillis = millisSince(go);
                sleep(delay);
                int exit = child.kill();
                if (exit != ChildJvm.SIGKILL_EXIT) {
                    throw new AssertionError("the killed child exited with " + exit + ", not " + ChildJvm.SIGKILL_EXIT
                            + " (SIGKILL): destroyForcibly did not send SIGKILL" + child.logTail());
                }
                long killed = System.nanoTime();
                LineFile.dropTornTail(journal);
                LineFile.dropTornTail(events);
                checkChildEvents(model.readEvents(events), probe, model.verifiedIndex(), child);
                model.readJournal(journal);
                chained = !last && random.nextDouble() < plan.chainShare();
                String checked;
                if (chained) {
                    chainedKills++;
                    checked = "chained: the next child recovers it";
                } else {
                    checked = verifyInProcess(model);
                    verifications++;
                }
                if (!Boolean.getBoolean("keel.faults.keepLogs")) {
                    Files.deleteIfExists(child.log());
                }
                child.close();
                child = next;
                next = null;
                if (child != null) {
                    child.awaitLine("prewarmed", LINE_TIMEOUT_MS);
                }
                System.out.println("cycle " + cycle + ": SIGKILL " + delay + " ms after " + (startup ? "go" : "ready")
                        + " (ready took " + (startup ? "-" : Long.toString(readyMillis)) + " ms); " + checked
                        + "; next child after " + millisSince(killed) + " ms");
            }
            int leftovers = partialSnapshotFiles();
            if (leftovers != 0) {
                throw new AssertionError(leftovers + " temporary snapshot file(s) left after the final reopen: the engine's "
                        + "open must delete what a kill during a snapshot write left");
            }
            return new Result(settings.backend(), seed, plan.cycles(), startupKills, chainedKills, verifications,
                    Map.copyOf(outcomes), model.verifiedIndex(), model.proposals(), model.ackedProposals(),
                    model.unacknowledgedRecovered(), snapshotIndexes.size(), storeBehindLog, commitBehindLog,
                    leftovers,
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (AssertionError | RuntimeException | IOException e) {
            throw new AssertionError("process-crash campaign failed: backend=" + settings.backend() + " seed=" + seed
                    + " cycle=" + cycle + " run directory=" + run + " (kept)\nreproduce: mvn -o -pl faults test"
                    + " -Dtest=ProcessCrashCampaignTest -Dkeel.faults.seed=" + seed + " -Dkeel.faults.cycles="
                    + plan.cycles() + "\n" + e.getMessage(), e);
        } finally {
            for (ChildJvm c : new ChildJvm[] {child, next}) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    private ChildJvm startChild(int forCycle) {
        List<String> args = new ArrayList<>(settings.toArgs());
        args.add("dir=" + run);
        args.add("seed=" + seed);
        args.add("clients=" + plan.clients());
        args.add("window=" + plan.window());
        return ChildJvm.start(args, run.resolve("child-" + forCycle + ".log"));
    }

    /** The child's own cold start (if it got that far) conforms to the table; every scrub passed. */
    private void checkChildEvents(List<ChildEvent> childEvents, WalProbe probe, long verifiedIndex, ChildJvm child) {
        for (ChildEvent e : childEvents) {
            if (e instanceof ChildEvent.Ready r) {
                count("child:" + r.outcome());
                List<String> v = GateExpectation.violations(probe, r, verifiedIndex);
                if (!v.isEmpty()) {
                    throw new AssertionError("the child's cold start departs from the decision table: " + v
                            + "\nlog before: " + probe + "\nreport: " + r.toLine() + child.logTail());
                }
            } else if (e instanceof ChildEvent.Scrub s && !s.passed()) {
                throw new AssertionError("a background snapshot scrub failed in the child: " + s.toLine()
                        + child.logTail());
            }
        }
    }

    /** Reopens the crashed node here, checks it, closes it cleanly; returns a one-line account. */
    private String verifyInProcess(HistoryModel model) {
        WalProbe probe = WalProbe.of(nodeDir.resolve("wal"), settings.segmentBytes());
        snapshotIndexes.add(probe.snapshotIndex());
        if (probe.commitIndex() < probe.lastIndex()) {
            commitBehindLog++;
        }
        List<ScrubReport> scrubs = Collections.synchronizedList(new ArrayList<>());
        ColdStartOutcome outcome;
        long have;
        ColdStartObserver observer = new ColdStartObserver() {
            @Override
            public void onOpen(ColdStartReport report) {
                // Read from ready() below.
            }

            @Override
            public void onScrub(ScrubReport report) {
                scrubs.add(report);
            }
        };
        try (CrashNode node = CrashNode.open(settings, nodeDir, journal, observer)) {
            ColdStartReport report;
            try {
                report = node.engine().ready().get(LINE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("the crashed node does not reopen: " + e.getCause() + "\nlog before: " + probe,
                        e.getCause());
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError("the crashed node did not reopen in time", e);
            }
            if (!report.equals(node.engine().coldStartReport())) {
                throw new AssertionError("coldStartReport() " + node.engine().coldStartReport() + " differs from ready()'s "
                        + report);
            }
            count(report.outcome().toString());
            outcome = report.outcome();
            have = report.have();
            if (report.have() >= 0 && report.have() < report.lastIndex()) {
                storeBehindLog++;
            }
            List<String> v = GateExpectation.violations(probe, ChildEvent.Ready.of(report), model.verifiedIndex());
            if (!v.isEmpty()) {
                throw new AssertionError("the reopen departs from the decision table: " + v + "\nlog before: " + probe
                        + "\nreport: " + report);
            }
            model.readJournal(journal);
            model.verify(node, probe);
        }
        for (ScrubReport s : scrubs) {
            if (!s.passed()) {
                throw new AssertionError("a background snapshot scrub failed after the reopen: " + s);
            }
        }
        return "reopened " + outcome + " (store at " + have + "), applied index " + model.verifiedIndex() + ", log "
                + probe;
    }

    /**
     * Temporary snapshot files a kill left in the middle of a snapshot write. The engine deletes
     * them when it opens, so after the final (in-process) reopen there must be none.
     */
    private int partialSnapshotFiles() {
        if (!Files.isDirectory(nodeDir.resolve("snapshots"))) {
            return 0;
        }
        try (var files = Files.list(nodeDir.resolve("snapshots"))) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void count(String what) {
        outcomes.merge(what, 1, Integer::sum);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
