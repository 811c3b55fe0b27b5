package dev.keel.storage.flatkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.IncompatibleExportException;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.StoreConfigurationException;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour specific to the flatkv backend; the shared semantics are in the conformance suite. */
class FlatKvStoreTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    private static VersionedStore open(Path dir) {
        return Stores.open("flatkv", dir, StoreOptions.defaults().withSync(false));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The expected values come from ../shared/vectors/lthash-basic.expected (independent implementation). */
    @Test
    void commitmentsMatchTheLtHashBasicVectors() throws IOException {
        List<String> expected = lines("/vectors/lthash-basic.expected");
        List<String> actual = new ArrayList<>();
        try (VersionedStore store = open(dir)) {
            ChangeSet.Builder batch = ChangeSet.builder();
            for (String line : lines("/vectors/lthash-basic.ops")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                switch (f[0]) {
                    case "set" -> batch.put(HEX.parseHex(f[1]), HEX.parseHex(f[2]));
                    case "remove" -> batch.delete(HEX.parseHex(f[1]));
                    case "commit" -> {
                        CommitInfo info = store.commit(batch.build(), CommitMetadata.EMPTY);
                        actual.add("version " + info.version() + " " + info.commitment().hex());
                        batch = ChangeSet.builder();
                    }
                    default -> throw new AssertionError("unknown op " + line);
                }
            }
        }
        assertEquals(expected, actual);
    }

    @Test
    void emptyStoreHasTheZeroLtHashRoot() {
        try (VersionedStore store = open(dir)) {
            // BLAKE3-256 of 2048 zero bytes: the last line of lthash-basic.expected (back to empty).
            assertEquals("be2a8de3dcf46c94ce85cdc8e07ac308f4d8a95490d956c38d780fd610db0813", store.commitment().hex());
            assertEquals(Commitment.LTHASH16_BLAKE3, store.commitment().scheme());
        }
    }

    @Test
    void largeCommitHashesInParallelToTheSameRootAsOneThread() {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        ChangeSet.Builder changes = ChangeSet.builder();
        for (int i = 0; i < 5000; i++) {
            changes.put(b("key-" + i), b("value-" + i * 7));
        }
        ChangeSet set = changes.build();
        try (VersionedStore parallel = Stores.open("flatkv", a, StoreOptions.defaults().withSync(false).withHashThreads(4));
             VersionedStore single = Stores.open("flatkv", b, StoreOptions.defaults().withSync(false).withHashThreads(1))) {
            assertEquals(single.commit(set, CommitMetadata.EMPTY).commitment(),
                    parallel.commit(set, CommitMetadata.EMPTY).commitment());
        }
    }

    @Test
    void historicalScanMergesLaterChangesBack() {
        try (VersionedStore store = open(dir)) {
            store.commit(ChangeSet.builder().put(b("a"), b("1")).put(b("b"), b("1")).put(b("c"), b("1")).build(), CommitMetadata.EMPTY);
            store.commit(ChangeSet.builder().delete(b("b")).put(b("d"), b("2")).put(b("a"), b("2")).build(), CommitMetadata.EMPTY);
            store.commit(ChangeSet.builder().put(b("b"), b("3")).delete(b("c")).build(), CommitMetadata.EMPTY);
            assertEquals(List.of("a=1", "b=1", "c=1"), scan(store, 1));
            assertEquals(List.of("a=2", "c=1", "d=2"), scan(store, 2));
            assertEquals(List.of("a=2", "b=3", "d=2"), scan(store, 3));
            assertEquals(List.of(), scan(store, 0));
        }
    }

    private static List<String> scan(VersionedStore store, long version) {
        List<String> out = new ArrayList<>();
        try (StoreView view = store.view(version); KeyValueIterator it = view.scan()) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                out.add(new String(kv.key(), StandardCharsets.UTF_8) + "=" + new String(kv.value(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void importReportsProgressAndLeavesOneDataDirectory() throws IOException {
        Path source = dir.resolve("source");
        Path target = dir.resolve("target");
        try (VersionedStore from = open(source); VersionedStore to = open(target)) {
            ChangeSet.Builder changes = ChangeSet.builder();
            for (int i = 0; i < 20_000; i++) {
                changes.put(b(String.format("k%08d", i)), b("v" + i));
            }
            CommitInfo info = from.commit(changes.build(), CommitMetadata.atPosition(9, 2));
            AtomicLong last = new AtomicLong(-1);
            try (StoreExport export = from.export(info.version())) {
                assertEquals(20_000, export.recordCount());
                to.importFrom(ImportSource.of(export), (done, total) -> last.set(done));
            }
            assertEquals(20_000, last.get());
            assertEquals(info, to.latest());
        }
        try (Stream<Path> entries = Files.list(target)) {
            assertEquals(List.of("CURRENT", "STORE", "data-00000002"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // The ingested files are built like the state column family's own: a restored store's
        // point reads (every commit does them) keep their bloom filters and compression.
        int imported = 0;
        try (Stream<Path> files = Files.list(target.resolve("data-00000002"));
             org.rocksdb.Options options = new org.rocksdb.Options()) {
            for (Path sst : files.filter(p -> p.toString().endsWith(".sst")).toList()) {
                try (org.rocksdb.SstFileReader reader = new org.rocksdb.SstFileReader(options)) {
                    reader.open(sst.toString());
                    org.rocksdb.TableProperties props = reader.getTableProperties();
                    if (props.getNumEntries() == 20_000) {
                        imported++;
                        assertTrue(props.getFilterPolicyName().contains("bloom"), props.getFilterPolicyName());
                        assertEquals("LZ4", props.getCompressionName());
                    }
                } catch (org.rocksdb.RocksDBException e) {
                    throw new IOException(e);
                }
            }
        }
        assertEquals(1, imported, "one ingested SST file holds the 20,000 records");
    }

    @Test
    void malformedImportRecordsAreRejectedAndLeaveTheStoreEmpty() throws IOException {
        CommitInfo info;
        try (VersionedStore source = open(dir.resolve("source"))) {
            info = source.commit(ChangeSet.builder().put(b("a"), b("1")).put(b("b"), b("2")).build(), CommitMetadata.atPosition(3, 1));
        }
        List<List<ExportRecord>> malformed = List.of(
                List.of(ExportRecord.keyValue(b("b"), b("2")), ExportRecord.keyValue(b("a"), b("1"))),
                List.of(ExportRecord.keyValue(b("a"), b("1")), ExportRecord.keyValue(b("a"), b("1"))),
                List.of(ExportRecord.keyValue(b("a"), b("1")), new ExportRecord(b("b"), null, 1, 1)),
                List.of(ExportRecord.keyValue(b("a"), b("1")), new ExportRecord(b("b"), b("2"), 4, 0)),
                List.of(ExportRecord.keyValue(b("a"), b("1")), new ExportRecord(new byte[0], b("2"), 0, 0)));
        Path target = dir.resolve("target");
        try (VersionedStore store = open(target)) {
            for (List<ExportRecord> records : malformed) {
                ImportSource source = new ImportSource("flatkv", StoreExport.KIND_KEY_VALUE, info, records.size(), records.iterator());
                assertThrows(IncompatibleExportException.class, () -> store.importFrom(source, ProgressListener.NONE), records.toString());
                assertEquals(0, store.latestVersion());
                assertTrue(store.get(b("a")).isEmpty());
            }
            try (Stream<Path> entries = Files.list(target)) {
                assertEquals(List.of("CURRENT", "STORE", "data-00000001"),
                        entries.map(p -> p.getFileName().toString()).sorted().toList(), "failed imports leave no directory behind");
            }
        }
    }

    @Test
    void unfinishedImportDirectoryIsRemovedOnOpen() throws IOException {
        try (VersionedStore store = open(dir)) {
            store.commit(ChangeSet.builder().put(b("k"), b("v")).build(), CommitMetadata.EMPTY);
        }
        Path leftover = Files.createDirectories(dir.resolve("data-00000007"));
        Files.writeString(leftover.resolve("junk.sst"), "partial");
        try (VersionedStore store = open(dir)) {
            assertArrayEquals(b("v"), store.get(b("k")).orElseThrow());
        }
        assertFalse(Files.exists(leftover));
    }

    @Test
    void corruptCurrentPointerIsATypedErrorNamingTheFile() throws IOException {
        try (VersionedStore store = open(dir)) {
            store.commit(ChangeSet.builder().put(b("k"), b("v")).build(), CommitMetadata.EMPTY);
        }
        Files.writeString(dir.resolve("CURRENT"), "data-00000042\n");
        CorruptionException e = assertThrows(CorruptionException.class, () -> open(dir));
        assertTrue(e.getMessage().contains("CURRENT"), e.getMessage());
    }

    @Test
    void cleanCloseLeavesNoLogToReplay() throws IOException {
        try (VersionedStore store = open(dir)) {
            for (int v = 0; v < 50; v++) {
                store.commit(ChangeSet.builder().put(b("k" + v), b("v" + v)).build(), CommitMetadata.EMPTY);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            long logBytes = files.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .mapToLong(p -> p.toFile().length()).sum();
            assertEquals(0, logBytes, "a clean close flushes the memtables, so reopening replays nothing");
        }
        try (VersionedStore store = open(dir)) {
            assertEquals(50, store.latestVersion());
        }
    }

    @Test
    void invalidBlockCacheSizeIsAConfigurationError() {
        StoreOptions options = StoreOptions.defaults().withBackendProperties(java.util.Map.of("flatkv.block-cache-mib", "lots"));
        StoreConfigurationException e = assertThrows(StoreConfigurationException.class, () -> Stores.open("flatkv", dir, options));
        assertTrue(e.getMessage().contains("flatkv.block-cache-mib"), e.getMessage());
    }

    @Test
    void directoryOfAnotherBackendIsRefused() throws IOException {
        Files.writeString(dir.resolve("STORE"), "backend=tree\nformat=1\n");
        assertThrows(StoreConfigurationException.class, () -> open(dir));
    }

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = FlatKvStoreTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
        }
    }
}
