package dev.keel.faults;

import dev.keel.raft.engine.Engine;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.coldstart.ColdStartObserver;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.ScrubReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The process the crash campaign kills: opens a {@link CrashNode} and runs concurrent proposal
 * load on it until it is killed.
 *
 * <p>Protocol, so that the JVM's start overlaps the previous child's run: the child loads its
 * classes (opening a scratch store of its backend), prints {@code prewarmed} on standard output
 * and waits for a line {@code go} on standard input before it touches the node's directory. It
 * then opens the node, waits for ready, appends a {@link ChildEvent.Ready} to the side channel,
 * prints {@code ready}, and starts {@code clients} threads. Client {@code c} continues its
 * sequence after the last of its proposals the recovered store holds (its marker, see
 * {@link CrashWorkload#nextSeq}), proposing {@link CrashWorkload} blocks with at most
 * {@code window} in flight, and appends a {@link ChildEvent.Ack} for each proposal only after its
 * future completed successfully. It never stops by itself: the campaign sends SIGKILL. It exits
 * on its own only when something is wrong: standard input closed (the campaign is gone, exit 3),
 * the engine failed (exit 2), it did not start in time (exit 4), or it outlived
 * {@code maxLifeSeconds} (exit 5).
 *
 * <p>Arguments, {@code name=value}: the {@link NodeSettings} ({@code node.*}), {@code dir} (the run
 * directory: {@code node/}, {@code applied-entries.log}, {@code child-events.log}), {@code seed},
 * {@code clients}, {@code window}, {@code maxLifeSeconds}.
 */
public final class CrashChild {
    /** The node's directory inside the run directory. */
    public static final String NODE_DIR = "node";
    /** The applied-entry journal inside the run directory. */
    public static final String JOURNAL_FILE = "applied-entries.log";
    /** The side channel inside the run directory. */
    public static final String EVENTS_FILE = "child-events.log";

    private static final int EXIT_ENGINE_FAILED = 2;
    private static final int EXIT_ORPHANED = 3;
    private static final int EXIT_NOT_STARTED = 4;
    private static final int EXIT_TOO_OLD = 5;

    private CrashChild() {
    }

    /**
     * @param args {@code name=value} arguments (see the class comment)
     * @throws Exception if the child cannot start; it then exits with a stack trace
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected name=value, got '" + arg + "'");
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        NodeSettings settings = NodeSettings.fromArgs(a);
        Path run = Path.of(a.get("dir"));
        long seed = Long.parseLong(a.get("seed"));
        int clients = Integer.parseInt(a.get("clients"));
        int window = Integer.parseInt(a.get("window"));
        long maxLifeSeconds = Long.parseLong(a.getOrDefault("maxLifeSeconds", "600"));
        PrintStream out = System.out;

        prewarm(settings, run.resolve("prewarm-" + ProcessHandle.current().pid()), seed);
        out.println("prewarmed");
        out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String go = stdin.readLine();
        if (!"go".equals(go)) {
            System.err.println("expected 'go' on standard input, got " + go);
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }
        watch(stdin, maxLifeSeconds);

        LineFile events = LineFile.openForAppend(run.resolve(EVENTS_FILE));
        ColdStartObserver observer = new ColdStartObserver() {
            @Override
            public void onOpen(ColdStartReport report) {
                // The ready event is written after ready() completes, below.
            }

            @Override
            public void onScrub(ScrubReport report) {
                events.append(ChildEvent.Scrub.of(report).toLine());
            }
        };
        CrashNode node = CrashNode.open(settings, run.resolve(NODE_DIR), run.resolve(JOURNAL_FILE), observer);
        Engine engine = node.engine();
        ColdStartReport report;
        try {
            report = engine.ready().get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            System.err.println("the engine did not become ready within 120 s");
            Runtime.getRuntime().halt(EXIT_NOT_STARTED);
            return;
        }
        events.append(ChildEvent.Ready.of(report).toLine());
        out.println("ready");
        out.flush();
        for (int c = 0; c < clients; c++) {
            int client = c;
            long first = CrashWorkload.nextSeq(node.store(), client);
            Thread t = new Thread(() -> propose(engine, events, seed, client, first, window), "crash-client-" + c);
            t.setDaemon(true);
            t.start();
        }
        // Runs until killed; the node is deliberately never closed.
        Thread.sleep(Long.MAX_VALUE);
    }

    /**
     * Opens and closes a scratch store of the node's backend (then deletes it) before the campaign
     * says go, so that loading classes and native code does not count against the cycle.
     */
    private static void prewarm(NodeSettings settings, Path scratch, long seed) throws IOException {
        CrashNode.openStore(settings, scratch).close();
        try (Stream<Path> files = Files.walk(scratch)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        CommandCodec.decode(CrashWorkload.payload(seed, new ProposalId(0, 0)));
        Engine.builder();
    }

    /** Exits when the campaign's end of standard input closes, or when the child has lived too long. */
    private static void watch(BufferedReader stdin, long maxLifeSeconds) {
        Thread reader = new Thread(() -> {
            try {
                while (stdin.readLine() != null) {
                    // Nothing else is sent; wait for the end of input.
                }
            } catch (IOException e) {
                // Treated as the end of input.
            }
            System.err.println("standard input closed: the campaign is gone");
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }, "crash-stdin");
        reader.setDaemon(true);
        reader.start();
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(maxLifeSeconds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.err.println("lived longer than " + maxLifeSeconds + " s without being killed");
            Runtime.getRuntime().halt(EXIT_TOO_OLD);
        }, "crash-lifetime");
        timer.setDaemon(true);
        timer.start();
    }

    private static void propose(Engine engine, LineFile events, long seed, int client, long first, int window) {
        Semaphore inFlight = new Semaphore(window);
        try {
            for (long seq = first; ; seq++) {
                inFlight.acquire();
                ProposalId id = new ProposalId(client, seq);
                engine.propose(CrashWorkload.payload(seed, id)).whenComplete((result, error) -> {
                    if (error != null) {
                        fail("proposal " + id + " failed", error);
                    }
                    events.append(new ChildEvent.Ack(id, StoreStateMachine.versionOf(result)).toLine());
                    inFlight.release();
                });
            }
        } catch (Throwable t) {
            fail("client " + client + " stopped", t);
        }
    }

    private static void fail(String what, Throwable t) {
        System.err.println(what + ": " + t);
        t.printStackTrace();
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_ENGINE_FAILED);
    }
}
