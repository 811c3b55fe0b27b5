package dev.keel.faults;

import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.engine.Engine;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.coldstart.ColdStartObserver;
import java.nio.file.Path;
import java.util.Map;

/**
 * A standalone engine over a flatkv or tree store, laid out in one directory ({@code wal/},
 * {@code snapshots/}, {@code store/}), opened the same way by the child that is killed and by the
 * process that reopens it after the kill. Every entry is journaled before it is applied (see
 * {@link JournalingStateMachine}).
 *
 * <p>Closing closes the engine (and with it the store) and then the journal. Not thread-safe;
 * the engine itself may be used from any thread.
 */
public final class CrashNode implements AutoCloseable {
    private final Engine engine;
    private final JournalingStateMachine stateMachine;
    private final LineFile journal;

    private CrashNode(Engine engine, JournalingStateMachine stateMachine, LineFile journal) {
        this.engine = engine;
        this.stateMachine = stateMachine;
        this.journal = journal;
    }

    /**
     * Opens the store and starts the engine; returns at once, like {@link Engine.Builder#open()}.
     *
     * @param settings how the node is configured
     * @param nodeDirectory the node's directory
     * @param journalFile the applied-entry journal (appended to)
     * @param observer receives the cold-start and scrub reports
     * @return the node; wait for {@code engine().ready()}
     */
    public static CrashNode open(NodeSettings settings, Path nodeDirectory, Path journalFile, ColdStartObserver observer) {
        LineFile journal = LineFile.openForAppend(journalFile);
        JournalingStateMachine sm;
        try {
            VersionedStore store = openStore(settings, nodeDirectory.resolve("store"));
            sm = new JournalingStateMachine(new StoreStateMachine(store, HybridClock.system()), journal);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
        Engine engine;
        try {
            engine = Engine.builder().walDirectory(nodeDirectory.resolve("wal"))
                    .snapshotDirectory(nodeDirectory.resolve("snapshots")).stateMachine(sm).clock(sm.inner().clock())
                    .snapshotEvery(settings.snapshotEvery()).segmentBytes(settings.segmentBytes())
                    .storeName(settings.backend()).observer(observer).open();
        } catch (RuntimeException e) {
            try {
                sm.close();
            } finally {
                journal.close();
            }
            throw e;
        }
        return new CrashNode(engine, sm, journal);
    }

    /**
     * @param settings how the node is configured
     * @param directory the store's directory
     * @return the store, opened as the node opens it
     */
    public static VersionedStore openStore(NodeSettings settings, Path directory) {
        StoreOptions options = StoreOptions.defaults().withSync(settings.storeSync()).withHashThreads(1)
                .withBackendProperties(Map.of("tree.snapshot-interval", Integer.toString(settings.treeSnapshotInterval()),
                        "flatkv.block-cache-mib", Integer.toString(settings.blockCacheMib())));
        return Stores.open(settings.backend(), directory, options);
    }

    /** @return the engine */
    public Engine engine() {
        return engine;
    }

    /** @return the store the engine applies to */
    public VersionedStore store() {
        return stateMachine.inner().store();
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            journal.close();
        }
    }
}
