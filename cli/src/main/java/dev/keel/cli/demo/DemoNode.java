package dev.keel.cli.demo;

import dev.keel.cli.CommandFailedException;
import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.crypto.AesGcmSealer;
import dev.keel.raft.engine.Engine;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.coldstart.ColdStartObserver;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.ScrubReport;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.crypto.KeyProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One backend's standalone node on disk, as a replicated node would embed it: under its root, the
 * write-ahead log ({@code wal/}), the snapshot files ({@code snapshots/}) and the store
 * ({@code store/}).
 *
 * <p>Everything that configures the engine for the demo is in {@link Settings} and {@link #start()},
 * so a further engine option (at-rest encryption, say) is one more setting and one more builder call
 * there. Not thread-safe: one thread starts, stops and rearranges a node.
 */
final class DemoNode {
    /** How long an open may take before the demo gives up on it. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    /** Small segments, so that compacting the log up to a snapshot drops whole segments even in a short run. */
    static final long SEGMENT_BYTES = 4L * 1024 * 1024;

    /**
     * How the demo configures each engine.
     *
     * @param snapshotEvery applied entries between automatic snapshots, at least 1
     * @param policy how much of a skipped snapshot is verified before the engine is ready
     * @param keys the keys for encryption at rest, or null to run without a sealer
     */
    record Settings(long snapshotEvery, VerificationPolicy policy, KeyProvider keys) {
        Settings {
            if (snapshotEvery < 1) {
                throw new IllegalArgumentException("snapshot interval must be at least 1: " + snapshotEvery);
            }
            Objects.requireNonNull(policy, "policy");
        }
    }

    private final String backend;
    private final Path root;
    private final Settings settings;

    /**
     * @param backend the store backend ({@code flatkv}, {@code tree})
     * @param root the node's directory
     * @param settings how to configure its engine
     */
    DemoNode(String backend, Path root, Settings settings) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.root = Objects.requireNonNull(root, "root");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** @return the backend name */
    String backend() {
        return backend;
    }

    /** @return the node's directory */
    Path root() {
        return root;
    }

    /** @return the store's directory */
    Path storeDirectory() {
        return root.resolve("store");
    }

    /** @return where {@link #moveStoreAside()} puts the store */
    Path movedAsideStoreDirectory() {
        return root.resolve("store.moved-aside");
    }

    /**
     * Opens the store and the engine on it and waits until the engine is ready.
     *
     * @return the running node; its caller closes it
     * @throws CommandFailedException if the engine does not start, naming why
     */
    Running start() {
        ReportRecorder recorder = new ReportRecorder();
        long started = System.nanoTime();
        // The engine's log makes every entry above the store's applied index replayable, so the
        // store need not force each commit (SPEC section 1, "sync").
        VersionedStore store = Stores.open(backend, storeDirectory(), StoreOptions.defaults().withSync(false));
        StoreStateMachine stateMachine;
        Engine engine;
        try {
            stateMachine = new StoreStateMachine(store, HybridClock.system());
        } catch (RuntimeException e) {
            closeAfterFailure(store, e);
            throw e;
        }
        long storeOpened = System.nanoTime();
        try {
            Engine.Builder builder = Engine.builder()
                    .storeName(backend)
                    .walDirectory(root.resolve("wal"))
                    .snapshotDirectory(root.resolve("snapshots"))
                    .segmentBytes(SEGMENT_BYTES)
                    .stateMachine(stateMachine)
                    .clock(stateMachine.clock())
                    .snapshotEvery(settings.snapshotEvery())
                    .verificationPolicy(settings.policy())
                    .observer(recorder);
            if (settings.keys() != null) {
                builder.sealer(new AesGcmSealer(settings.keys()));
            }
            engine = builder.open();
        } catch (RuntimeException e) {
            closeAfterFailure(stateMachine, e);
            throw e;
        }
        try {
            ColdStartReport report = engine.ready().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Running(engine, stateMachine, report, storeOpened - started, System.nanoTime() - storeOpened,
                    recorder);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw closeAfterFailure(engine, new CommandFailedException(backend + ": the engine did not start: " + cause, cause));
        } catch (TimeoutException e) {
            throw closeAfterFailure(engine, new CommandFailedException(backend + ": the engine was not ready after "
                    + READY_TIMEOUT.toMinutes() + " minutes", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw closeAfterFailure(engine, new CommandFailedException(backend + ": interrupted while the engine started", e));
        }
    }

    private static <E extends RuntimeException> E closeAfterFailure(AutoCloseable resource, E failure) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    /**
     * Moves the (closed) store out of the way, so the next start finds no store and must restore
     * the snapshot.
     *
     * @throws IOException if the rename fails
     */
    void moveStoreAside() throws IOException {
        Files.move(storeDirectory(), movedAsideStoreDirectory());
    }

    /**
     * Deletes the store moved aside by {@link #moveStoreAside()}.
     *
     * @throws IOException if deleting fails
     */
    void deleteMovedAsideStore() throws IOException {
        DemoDirectory.deleteRecursively(movedAsideStoreDirectory());
    }

    /** Keeps the open report and the scrub report the engine delivers; called from the engine's threads. */
    private static final class ReportRecorder implements ColdStartObserver {
        private volatile ScrubReport scrub;

        @Override
        public void onOpen(ColdStartReport report) {
            // Engine.ready() carries the same report.
        }

        @Override
        public void onScrub(ScrubReport report) {
            scrub = report;
        }
    }

    /**
     * A started node: its engine, the state machine the engine drives, and how the start went.
     * {@link #close()} closes the engine, which closes the state machine and its store.
     */
    static final class Running implements AutoCloseable {
        private final Engine engine;
        private final StoreStateMachine stateMachine;
        private final ColdStartReport report;
        private final long storeOpenNanos;
        private final long readyNanos;
        private final ReportRecorder recorder;

        private Running(Engine engine, StoreStateMachine stateMachine, ColdStartReport report, long storeOpenNanos,
                        long readyNanos, ReportRecorder recorder) {
            this.engine = engine;
            this.stateMachine = stateMachine;
            this.report = report;
            this.storeOpenNanos = storeOpenNanos;
            this.readyNanos = readyNanos;
            this.recorder = recorder;
        }

        /** @return the running engine */
        Engine engine() {
            return engine;
        }

        /** @return the state machine the engine applies to */
        StoreStateMachine stateMachine() {
            return stateMachine;
        }

        /** @return the engine's cold-start report */
        ColdStartReport report() {
            return report;
        }

        /** @return nanoseconds the store took to open (it loads its own durable state) */
        long storeOpenNanos() {
            return storeOpenNanos;
        }

        /** @return nanoseconds from opening the engine on the open store to the engine being ready */
        long readyNanos() {
            return readyNanos;
        }

        /**
         * @return the background scrub's report; complete once {@link #close()} returned (closing
         *     waits for a running scrub), empty when no scrub ran
         */
        Optional<ScrubReport> scrub() {
            return Optional.ofNullable(recorder.scrub);
        }

        /** Closes the engine, waiting for its threads (a scrub included), and the store. */
        @Override
        public void close() {
            engine.close();
        }
    }
}
