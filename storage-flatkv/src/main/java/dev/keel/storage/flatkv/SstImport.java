package dev.keel.storage.flatkv;

import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.IncompatibleExportException;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.rocksdb.EnvOptions;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksObject;
import org.rocksdb.SstFileWriter;

/**
 * Rebuilds a flatkv state from (key, value) records: writes them into SST files and ingests those
 * into the {@code state} column family of a fresh generation, hashing the records in parallel on
 * the way. Row-by-row puts would go through the memtable and the RocksDB log; SST files are built
 * sorted and moved into place.
 *
 * <p>The records must come in strictly increasing key order (as a flatkv export yields them);
 * anything else is an {@link IncompatibleExportException}. Not thread-safe; one import at a time.
 */
final class SstImport {
    /** Roll to a new SST file after this many bytes of keys and values. */
    private static final long FILE_BYTES = 256L << 20;
    private static final long PROGRESS_EVERY = 8192;
    private static final long SYNC_EVERY_BYTES = 1L << 20;

    /** The lanes of the imported state and its number of records. */
    record Result(byte[] lanes, long records) {
    }

    private SstImport() {
    }

    /**
     * @param database the generation to ingest into, asked for only once the SST files are written
     *     (it may still be opening until then)
     */
    static Result run(Supplier<Generation> database, Path ingestDir, ImportSource source, CommitHasher hasher, int batchSize,
                      ProgressListener progress) {
        List<String> files = new ArrayList<>();
        Deque<Future<int[]>> pending = new ArrayDeque<>();
        int[] lanes = new int[LtHashLanes.LANES];
        long records = 0;
        // Written-back as they grow (sync_file_range every MiB), so finishing a file does not wait
        // for the device to take all of it at once.
        List<RocksObject> tableObjects = List.of();
        try (EnvOptions env = new EnvOptions().setBytesPerSync(SYNC_EVERY_BYTES); Options options = new Options()) {
            // The files become the state column family's own: bloom filters, index and compression alike.
            tableObjects = Generation.configureStateTables(options, null);
            Files.createDirectories(ingestDir);
            SstFileWriter writer = null;
            long fileBytes = 0;
            byte[] previous = null;
            List<Change> batch = new ArrayList<>(batchSize);
            try {
                Iterator<ExportRecord> it = source.records();
                while (it.hasNext()) {
                    ExportRecord r = it.next();
                    byte[] key = r.key();
                    byte[] value = r.value();
                    check(r, key, value, previous, records);
                    if (writer == null) {
                        writer = new SstFileWriter(env, options);
                        String file = ingestDir.resolve(String.format("import-%06d.sst", files.size())).toString();
                        writer.open(file);
                        files.add(file);
                        fileBytes = 0;
                    }
                    writer.put(key, value);
                    fileBytes += key.length + value.length;
                    batch.add(new Change(key, null, value));
                    previous = key;
                    records++;
                    if (batch.size() == batchSize) {
                        pending.add(hasher.submit(batch));
                        batch = new ArrayList<>(batchSize);
                        // Bound the records held in memory by pending hash tasks.
                        while (pending.size() > 2 * hasher.threads()) {
                            CommitHasher.sum(lanes, CommitHasher.await(pending.poll()));
                        }
                    }
                    if (fileBytes >= FILE_BYTES) {
                        writer.finish();
                        writer.close();
                        writer = null;
                    }
                    if (records % PROGRESS_EVERY == 0) {
                        progress.onProgress(records, source.recordCount());
                    }
                }
                if (writer != null) {
                    writer.finish();
                }
            } finally {
                if (writer != null) {
                    writer.close();
                }
            }
            CommitHasher.sum(lanes, hasher.hash(batch));
            while (!pending.isEmpty()) {
                CommitHasher.sum(lanes, CommitHasher.await(pending.poll()));
            }
            if (!files.isEmpty()) {
                Generation gen = database.get();
                gen.read(() -> {
                    try (IngestExternalFileOptions ingest = new IngestExternalFileOptions()) {
                        ingest.setMoveFiles(true);
                        gen.db.ingestExternalFile(gen.state, files, ingest);
                        return null;
                    } catch (RocksDBException e) {
                        throw new StorageException("cannot ingest imported SST files into " + gen.directory, e);
                    }
                });
            }
            StoreDirectory.deleteTree(ingestDir);
            progress.onProgress(records, source.recordCount());
            return new Result(LtHashLanes.toBytes(lanes), records);
        } catch (RocksDBException e) {
            throw new StorageException("cannot write SST files in " + ingestDir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageException("cannot prepare " + ingestDir, e);
        } finally {
            for (Future<int[]> f : pending) {
                f.cancel(false);
            }
            // After the options that refer to them (closed by the try above).
            tableObjects.forEach(RocksObject::close);
        }
    }

    private static void check(ExportRecord r, byte[] key, byte[] value, byte[] previous, long index) {
        try {
            Limits.checkKey(key);
            if (value == null) {
                throw new IncompatibleExportException("record " + index + " has no value (an inner tree node?)");
            }
            Limits.checkValue(value);
        } catch (IllegalArgumentException e) {
            throw new IncompatibleExportException("record " + index + ": " + e.getMessage());
        }
        if (r.height() != 0 || r.version() != 0) {
            throw new IncompatibleExportException("record " + index + " has height " + r.height() + " and version "
                    + r.version() + "; key-value records have neither");
        }
        if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
            throw new IncompatibleExportException("record " + index + " is out of key order");
        }
    }

}
