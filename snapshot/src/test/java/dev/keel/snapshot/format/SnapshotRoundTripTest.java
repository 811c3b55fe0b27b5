package dev.keel.snapshot.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.crypto.CryptoException;
import dev.keel.storage.api.crypto.SealedRecordException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotRoundTripTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());

    @TempDir
    Path dir;

    private static List<ExportRecord> readAll(Path file, SnapshotToken token, TestSealer sealer) {
        try (SnapshotReader reader = SnapshotReader.open(file, token, sealer, ProgressListener.NONE)) {
            ImportSource source = reader.importSource();
            List<ExportRecord> out = new ArrayList<>();
            source.records().forEachRemaining(out::add);
            return out;
        }
    }

    @Test
    void roundTripsRandomRecordsAcrossChunkSizesWithAndWithoutSealing() {
        System.out.println("SnapshotRoundTripTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        for (int round = 0; round < 40; round++) {
            List<ExportRecord> records = Fixtures.randomRecords(random, random.nextInt(60), 300);
            int chunk = 16 + random.nextInt(500);
            boolean sealed = random.nextBoolean();
            SnapshotWriteOptions options = SnapshotWriteOptions.DEFAULTS.withChunkSize(chunk)
                    .withSealing(sealed ? new ChunkSealing(new TestSealer(4), 4) : null);
            Path file = dir.resolve("snap-" + round);
            CommitInfo info = Fixtures.info(20 + round, 100 + round, 3);
            SnapshotToken token;
            try (ListExport export = new ListExport(info, records)) {
                token = SnapshotWriter.write(export, file, options);
            }
            try (SnapshotReader reader = SnapshotReader.open(file, token, sealed ? new TestSealer(4) : null, ProgressListener.NONE)) {
                ImportSource source = reader.importSource();
                assertEquals(info, source.expected(), "round " + round);
                assertEquals(records.size(), source.recordCount());
                List<ExportRecord> back = new ArrayList<>();
                source.records().forEachRemaining(back::add);
                assertEquals(records, back, "round " + round + " chunk " + chunk + " sealed " + sealed);
                assertEquals(sealed, reader.header().isSealed());
            }
        }
    }

    @Test
    void headerCarriesTheExportIdentityAndEveryMetadataField() {
        Path file = dir.resolve("snap");
        SnapshotToken token = Fixtures.writeSmall(file, (byte) 1, 42);
        SnapshotHeader h = SnapshotVerifier.verify(file, token, dev.keel.storage.api.coldstart.VerificationPolicy.HEADER).header();
        assertEquals(42, h.index());
        assertEquals(2, h.term());
        assertEquals("test", h.backend());
        assertEquals("kv", h.recordKind());
        assertEquals(Fixtures.info(9, 42, 2), h.commitInfo());
        assertEquals(4, h.recordCount());
        assertEquals(16, h.chunkSize());
        assertFalse(h.isSealed());
    }

    @Test
    void tokenTakesIndexAndTermFromTheExportMetadataAndNamesTheFileBytes() throws IOException {
        Path file = dir.resolve("snap");
        SnapshotToken token = Fixtures.writeSmall(file, (byte) 1, 77);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(77, token.index());
        assertEquals(2, token.term());
        assertEquals(bytes.length, token.fileLength());
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertEquals((int) crc.getValue(), token.footerCrc32c());
        assertEquals(token.footerCrc32c(), ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt());
        int headerLength = ByteBuffer.wrap(bytes, 6, 4).getInt();
        assertEquals(token.headerCrc32c(), ByteBuffer.wrap(bytes, headerLength - 4, 4).getInt());
        assertEquals(0x4B534E50, ByteBuffer.wrap(bytes).getInt());
    }

    @Test
    void emptyExportRoundTripsAsOneEmptyLastChunk() {
        Path file = dir.resolve("empty");
        SnapshotToken token;
        try (ListExport export = new ListExport(Fixtures.info(1, 1, 1), List.of())) {
            token = SnapshotWriter.write(export, file, SnapshotWriteOptions.DEFAULTS);
        }
        assertEquals(List.of(), readAll(file, token, null));
    }

    @Test
    void failedExportLeavesTheTargetUntouchedAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("snap");
        Files.write(file, new byte[] {9, 9, 9});
        try (ListExport export = new ListExport(Fixtures.info(9, 5, 2), Fixtures.smallRecords((byte) 1), 2)) {
            assertThrows(IllegalStateException.class,
                    () -> SnapshotWriter.write(export, file, SnapshotWriteOptions.DEFAULTS.withChunkSize(16)));
        }
        assertArrayEquals(new byte[] {9, 9, 9}, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void refusesAnExportWithoutAConsensusPosition() {
        CommitInfo info = new CommitInfo(3, Fixtures.info(3, 1, 1).commitment(), CommitMetadata.EMPTY);
        try (ListExport export = new ListExport(info, List.of())) {
            assertThrows(IllegalArgumentException.class,
                    () -> SnapshotWriter.write(export, dir.resolve("s"), SnapshotWriteOptions.DEFAULTS));
        }
        assertFalse(Files.exists(dir.resolve("s")));
    }

    @Test
    void writingIntoAMissingDirectoryIsAStorageException() {
        try (ListExport export = new ListExport(Fixtures.info(1, 1, 1), List.of())) {
            assertThrows(StorageException.class,
                    () -> SnapshotWriter.write(export, dir.resolve("missing/s"), SnapshotWriteOptions.DEFAULTS));
        }
    }

    @Test
    void sealedSnapshotNeedsItsSealer() {
        Path file = dir.resolve("sealed");
        SnapshotToken token;
        try (ListExport export = new ListExport(Fixtures.info(9, 5, 2), Fixtures.smallRecords((byte) 1))) {
            token = SnapshotWriter.write(export, file,
                    SnapshotWriteOptions.DEFAULTS.withChunkSize(16).withSealing(new ChunkSealing(new TestSealer(4), 4)));
        }
        assertThrows(CryptoException.class, () -> readAll(file, token, null));
        assertEquals(Fixtures.smallRecords((byte) 1), readAll(file, token, new TestSealer(4)));
    }

    /** Returns the chunks (length-prefixed) of a sealed body written with {@code chunkSize} bytes per chunk. */
    private static List<byte[]> sealedChunks(long index, long term) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        BodyEncoder encoder = new BodyEncoder(out, 16, new ChunkSealing(new TestSealer(4), 4), index, term);
        for (ExportRecord r : Fixtures.smallRecords((byte) 1)) {
            encoder.write(r);
        }
        encoder.finish();
        byte[] body = out.toByteArray();
        List<byte[]> chunks = new ArrayList<>();
        int pos = 0;
        while (pos < body.length) {
            int len = ByteBuffer.wrap(body, pos, 4).getInt();
            chunks.add(Arrays.copyOfRange(body, pos, pos + 4 + len));
            pos += 4 + len;
        }
        return chunks;
    }

    private static void decode(byte[] body, long index, long term, long records) {
        BodyDecoder decoder = new BodyDecoder(new ByteArrayInputStream(body), body.length, 16,
                new ChunkSealing(new TestSealer(4), 4), TestSealer.OVERHEAD, index, term, records, 0, null);
        while (decoder.hasNext()) {
            decoder.next();
        }
    }

    private static byte[] concat(List<byte[]> parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    @Test
    void sealedChunksAreBoundToSnapshotPositionAndLastFlag() throws IOException {
        List<byte[]> chunks = sealedChunks(5, 2);
        assertTrue(chunks.size() >= 3, "needs several chunks, got " + chunks.size());
        decode(concat(chunks), 5, 2, 4); // intact body decodes
        List<byte[]> swapped = new ArrayList<>(chunks);
        swapped.set(0, chunks.get(1));
        swapped.set(1, chunks.get(0));
        assertThrows(SealedRecordException.class, () -> decode(concat(swapped), 5, 2, 4));
        assertThrows(SealedRecordException.class, () -> decode(concat(chunks), 6, 2, 4), "moved to another snapshot");
        assertThrows(SealedRecordException.class, () -> decode(concat(chunks), 5, 3, 4), "moved to another term");
        List<byte[]> cut = chunks.subList(0, chunks.size() - 1);
        assertThrows(SealedRecordException.class, () -> decode(concat(cut), 5, 2, 4), "cut at a chunk boundary");
    }

    @Test
    void readerRejectsABodyChangedAfterVerification() throws IOException {
        Path file = dir.resolve("snap");
        SnapshotToken token = Fixtures.writeSmall(file, (byte) 1, 42);
        try (SnapshotReader reader = SnapshotReader.open(file, token, null, ProgressListener.NONE)) {
            ImportSource source = reader.importSource();
            // The last record's height, just before the footer: still decodes, but no longer matches.
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                f.seek(token.fileLength() - 5);
                int b = f.read();
                f.seek(token.fileLength() - 5);
                f.write(b ^ 0x10);
            }
            List<ExportRecord> out = new ArrayList<>();
            assertThrows(dev.keel.storage.api.snapshot.SnapshotChecksumException.class,
                    () -> source.records().forEachRemaining(out::add));
            assertEquals(4, out.size(), "every record decoded; the end-of-body check refused them");
        }
    }
}
