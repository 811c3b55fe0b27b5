package dev.keel.snapshot.format;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small snapshots for format and verifier tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static CommitMetadata metadata(long index, long term) {
        return new CommitMetadata(index, term, 0x0001_8F00_0000_0042L, 7, 3,
                new Membership(List.of("n1", "n2", "n3"), List.of("n4")), "app-bytes".getBytes(StandardCharsets.UTF_8));
    }

    public static CommitInfo info(long version, long index, long term) {
        return new CommitInfo(version, new Commitment("test-scheme", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
                metadata(index, term));
    }

    /** Three records with a null value, an empty value and a value spanning chunks. */
    public static List<ExportRecord> smallRecords(byte fill) {
        List<ExportRecord> records = new ArrayList<>();
        records.add(ExportRecord.keyValue(new byte[] {'a'}, new byte[] {fill, fill, fill}));
        records.add(ExportRecord.keyValue(new byte[] {'b', 'b'}, new byte[0]));
        records.add(new ExportRecord(new byte[] {'c'}, null, 5, 2));
        records.add(ExportRecord.keyValue(new byte[] {'d'}, new byte[] {fill, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}));
        return records;
    }

    public static List<ExportRecord> randomRecords(SplittableRandom random, int count, int maxValue) {
        List<ExportRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] key = new byte[1 + random.nextInt(12)];
            random.nextBytes(key);
            byte[] value = null;
            if (random.nextInt(5) != 0) {
                value = new byte[random.nextInt(maxValue + 1)];
                random.nextBytes(value);
            }
            records.add(new ExportRecord(key, value, random.nextInt(100), random.nextInt(30)));
        }
        return records;
    }

    /** Writes the small snapshot with 16-byte chunks (several chunks in ~200 bytes). */
    public static SnapshotToken writeSmall(Path file, byte fill, long index) {
        try (ListExport export = new ListExport(info(9, index, 2), smallRecords(fill))) {
            return SnapshotWriter.write(export, file, SnapshotWriteOptions.DEFAULTS.withChunkSize(16));
        }
    }
}
