package dev.keel.raft.engine;

import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.coldstart.ColdStartReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** One standalone node on disk (WAL, snapshots, a flatkv store) and the engine open on it, for tests. */
final class Node implements AutoCloseable {
    static final long TIMEOUT_S = 60;

    final Path root;
    final AtomicLong wall = new AtomicLong(1_000_000);
    final long snapshotEvery;
    Engine engine;
    StoreStateMachine sm;
    /** Encryption at rest when set (before {@link #open()}). */
    dev.keel.storage.api.crypto.Sealer sealer;

    Node(Path root, long snapshotEvery) {
        this.root = root;
        this.snapshotEvery = snapshotEvery;
    }

    /** What must be equal however a restart reached it. */
    record State(Commitment commitment, long storeApplied, long engineApplied, long ceiling, Membership membership,
                 List<String> content) {
    }

    ColdStartReport open() {
        return await(openAsync().ready());
    }

    /** Opens without waiting for the cold start. */
    Engine openAsync() {
        sm = new StoreStateMachine(Stores.open("flatkv", root.resolve("store"), StoreOptions.defaults()),
                new HybridClock(wall::get));
        Engine.Builder b = Engine.builder().walDirectory(root.resolve("wal")).snapshotDirectory(root.resolve("snapshots"))
                .stateMachine(sm).clock(sm.clock()).segmentBytes(8192).snapshotEvery(snapshotEvery)
                .storeName(root.getFileName().toString());
        if (sealer != null) {
            b.sealer(sealer);
        }
        engine = b.open();
        return engine;
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    long put(String key, String value) {
        return StoreStateMachine.versionOf(await(engine.propose(block(Mutation.put(key.getBytes(), value.getBytes())))));
    }

    static byte[] block(Mutation... ops) {
        return CommandCodec.encode(new Command.Block(List.of(ops)));
    }

    State state() {
        VersionedStore store = sm.store();
        List<String> content = new ArrayList<>();
        try (StoreExport export = store.exportLogical(store.latestVersion())) {
            HexFormat hex = HexFormat.of();
            while (export.hasNext()) {
                ExportRecord r = export.next();
                content.add(hex.formatHex(r.key()) + "=" + hex.formatHex(r.value()));
            }
        }
        return new State(store.commitment(), store.latest().metadata().appliedIndex(), engine.appliedIndex(),
                sm.clock().ceiling(), sm.membership(), content);
    }

    /** Copies the (closed) store aside, to bring it back later as a store that fell behind. */
    void copyStoreTo(String name) {
        copy(root.resolve("store"), root.resolve(name));
    }

    /** Replaces the store by a copy made earlier. */
    void bringBackStore(String name) {
        wipeStore();
        copy(root.resolve(name), root.resolve("store"));
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void wipeStore() {
        Path store = root.resolve("store");
        if (!Files.exists(store)) {
            return;
        }
        try (Stream<Path> files = Files.walk(store)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Closes the engine (and so the store), as a restart does; the node can be opened again. */
    void stop() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
