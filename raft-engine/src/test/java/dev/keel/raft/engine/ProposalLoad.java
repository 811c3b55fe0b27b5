package dev.keel.raft.engine;

import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent proposers driving one engine, and the ledger of what the engine acknowledged.
 *
 * <p>A data proposal (a {@link Command.Block}) with id {@code id} puts {@code k} (1–4) keys of its
 * own, {@code p/<id>/<j>/<k>} for {@code j < k}, with a value derived from {@code id} and
 * {@code j}, and never deletes them; so after any crash each proposal's keys must be all there
 * (with those values) or all absent. It may also put or delete a few of eight shared hot keys,
 * which only the commitment check follows. Other proposals: membership changes, key rotations
 * (with encryption), HLC leases ({@link Engine#now()}) and snapshot requests.
 *
 * <p>Each proposer keeps up to {@code window} proposals outstanding. Acknowledgements are recorded
 * when a proposal's future completes (normally on the engine thread, before it moves on), and so
 * is the highest timestamp {@link Engine#now()} has returned.
 */
final class ProposalLoad {
    /** What an acknowledged proposal was, for the checks. */
    enum Kind {
        BLOCK, MEMBERSHIP, ROTATION
    }

    /**
     * What the engine had answered at one instant.
     *
     * @param proposals acknowledged proposals: id to the version that carried it
     * @param maxTimestamp the highest HLC timestamp {@link Engine#now()} returned (0 if none)
     */
    record Acknowledged(Map<Long, Long> proposals, long maxTimestamp) {
    }

    private static final String PREFIX = "p/";

    private final int proposers;
    private final int window;
    private final boolean encryption;
    private final long seed;
    private final AtomicLong wall;
    private final Map<Long, Long> acked = new ConcurrentHashMap<>();
    private final Map<Long, Kind> kinds = new ConcurrentHashMap<>();
    private final AtomicLong maxTimestamp = new AtomicLong();
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger proposed = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param proposers proposer threads
     * @param window proposals each keeps outstanding at most
     * @param encryption whether key rotations are proposed
     * @param seed the proposers' randomness
     * @param wall the wall clock of the engine's HLC, advanced before leases
     */
    ProposalLoad(int proposers, int window, boolean encryption, long seed, AtomicLong wall) {
        this.proposers = proposers;
        this.window = window;
        this.encryption = encryption;
        this.seed = seed;
        this.wall = wall;
    }

    static byte[] key(long id, int j, int k) {
        return (PREFIX + id + "/" + j + "/" + k).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] value(long id, int j) {
        return ("v" + id + "." + j + "x".repeat((int) ((id * 31 + j) % 40))).getBytes(StandardCharsets.US_ASCII);
    }

    /** @return {id, j, k} of a proposal's own key, or null for any other key */
    static long[] parse(byte[] key) {
        String s = new String(key, StandardCharsets.US_ASCII);
        if (!s.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = s.substring(PREFIX.length()).split("/");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    }

    void start(Engine engine) {
        for (int t = 0; t < proposers; t++) {
            int thread = t;
            Thread th = new Thread(() -> propose(engine, thread), "power-loss-proposer-" + t);
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
    }

    /** Stops proposing and waits for the proposer threads (not for their outstanding proposals). */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(Node.TIMEOUT_S));
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop");
            }
        }
    }

    /** @return whether every proposal made has completed within the timeout */
    boolean awaitQuiet(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (outstanding.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    int proposed() {
        return proposed.get();
    }

    /** @return what the engine has answered so far */
    Acknowledged acknowledged() {
        return new Acknowledged(new HashMap<>(acked), maxTimestamp.get());
    }

    Kind kind(long id) {
        return kinds.get(id);
    }

    /** @return proposal failures seen before {@link #stop()} (none is expected: the engine keeps running after a cut) */
    List<String> unexpected() {
        synchronized (unexpected) {
            return List.copyOf(unexpected);
        }
    }

    private void propose(Engine engine, int thread) {
        Random random = new Random(seed + 7919L * thread);
        Semaphore slots = new Semaphore(window);
        long seq = 0;
        try {
            while (!stop.get()) {
                if (!slots.tryAcquire(5, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                outstanding.incrementAndGet();
                CompletableFuture<?> future;
                try {
                    future = next(engine, random, (thread + 1) * 1_000_000L + ++seq);
                } catch (RuntimeException e) {
                    outstanding.decrementAndGet();
                    if (!stop.get()) {
                        unexpected.add("proposer " + thread + ": " + e);
                    }
                    return;
                }
                proposed.incrementAndGet();
                future.whenComplete((r, e) -> {
                    outstanding.decrementAndGet();
                    slots.release();
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<?> next(Engine engine, Random random, long id) {
        int op = random.nextInt(100);
        if (op < 3) {
            return engine.snapshot().whenComplete((token, e) -> {
                // Before anything is applied there is no version to snapshot: that refusal is expected.
                boolean nothingYet = e instanceof IllegalStateException && String.valueOf(e.getMessage())
                        .startsWith("nothing has been applied");
                if (e != null && !stop.get() && !nothingYet) {
                    unexpected.add("snapshot request: " + e);
                }
            });
        }
        if (op < 6) {
            wall.addAndGet(1 + random.nextInt(5_000));
            return watch(engine.now().whenComplete((t, e) -> {
                if (e == null) {
                    maxTimestamp.accumulateAndGet(t, Math::max);
                }
            }), id, null);
        }
        if (op < 8) {
            Membership m = new Membership(List.of("n" + random.nextInt(3)), List.of());
            return watch(engine.changeMembership(m), id, Kind.MEMBERSHIP);
        }
        if (op < 10 && encryption) {
            return watch(engine.rotateKey(1 + random.nextInt(2)), id, Kind.ROTATION);
        }
        int k = 1 + random.nextInt(4);
        List<Mutation> ops = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            ops.add(Mutation.put(key(id, j, k), value(id, j)));
        }
        for (int h = random.nextInt(3); h > 0; h--) {
            byte[] hot = ("h/" + random.nextInt(8)).getBytes(StandardCharsets.US_ASCII);
            ops.add(random.nextInt(3) == 0 ? Mutation.delete(hot)
                    : Mutation.put(hot, ("hot" + id).getBytes(StandardCharsets.US_ASCII)));
        }
        return watch(engine.propose(CommandCodec.encode(new Command.Block(ops))), id, Kind.BLOCK);
    }

    private <T> CompletableFuture<T> watch(CompletableFuture<T> future, long id, Kind kind) {
        if (kind != null) {
            kinds.put(id, kind);
        }
        return future.whenComplete((result, e) -> {
            if (e == null) {
                if (kind != null) {
                    acked.put(id, StoreStateMachine.versionOf((byte[]) result));
                }
            } else if (!stop.get()) {
                unexpected.add("proposal " + id + " (" + kind + "): " + e);
            }
        });
    }
}
