package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import dev.keel.storage.api.crypto.CryptoException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The WAL's decoders against arbitrary bytes: the frame parser returns a verdict and never throws;
 * the Protobuf body decoders return a value that re-encodes to itself or throw
 * {@link IllegalArgumentException}; a whole segment made of the bytes opens or fails with
 * {@link WalCorruptionException} (or, reading a sealed entry without a sealer, a
 * {@link CryptoException}). Never anything else, and never an allocation sized by an unchecked
 * length. Multi-segment recovery behind valid framing is {@link WalRecoveryFuzzTest}'s. The committed corpus runs in every build;
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class WalDecoderFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());

    @FuzzTest(maxDuration = "30s")
    void decodersRejectArbitraryBytesWithTypedErrors(byte[] input) {
        decodeAll(input);
    }

    @Test
    void decodersRejectRandomAndMutatedRecordsWithTypedErrors() {
        System.out.println("WalDecoderFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] valid = validSegmentPrefix();
        for (int i = 0; i < 3_000; i++) {
            byte[] bytes;
            if (i % 3 == 0) {
                bytes = new byte[random.nextInt(96)];
                random.nextBytes(bytes);
            } else {
                // Half the time a single record body, so the Protobuf decoders see mostly valid input.
                bytes = i % 3 == 1 ? randomBody(random) : valid.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                if (random.nextBoolean()) {
                    bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
                }
            }
            decodeAll(bytes);
        }
    }

    @Test
    void bodiesRoundTripThroughTheirProtobufEncoding() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 500; i++) {
            LogEntry e = WalFixtures.randomEntry(random, 1 + random.nextLong(Long.MAX_VALUE - 1), 1 + random.nextInt(1 << 20), 64);
            ByteBuffer b = ByteBuffer.allocate(WalProto.entrySize(e));
            WalProto.writeEntry(b, e);
            assertEquals(0, b.remaining(), "entry size miscounted");
            assertEquals(e, WalProto.readEntry(b.flip()));
            HardState hs = new HardState(random.nextLong(Long.MAX_VALUE), "node-" + random.nextInt(), random.nextLong(Long.MAX_VALUE));
            b = ByteBuffer.allocate(WalProto.hardStateSize(hs));
            WalProto.writeHardState(b, hs);
            assertEquals(hs, WalProto.readHardState(b.flip()));
            SnapshotToken t = new SnapshotToken(1 + random.nextInt(1 << 30), 1 + random.nextInt(99), random.nextLong(Long.MAX_VALUE),
                    random.nextInt(), random.nextInt());
            b = ByteBuffer.allocate(WalProto.snapshotTokenSize(t));
            WalProto.writeSnapshotToken(b, t);
            assertEquals(t, WalProto.readSnapshotToken(b.flip()));
        }
    }

    /** A valid body of a random record type: entry (sealed or not), hard state, token, truncation or header. */
    private static byte[] randomBody(SplittableRandom random) {
        ByteBuffer b;
        switch (random.nextInt(5)) {
            case 0 -> {
                LogEntry e = WalFixtures.randomEntry(random, 1 + random.nextInt(1000), 1 + random.nextInt(9), 16);
                int keyId = random.nextBoolean() ? 0 : 1 + random.nextInt(5);
                b = ByteBuffer.allocate(WalProto.entrySize(e, keyId));
                WalProto.writeEntry(b, e, keyId);
            }
            case 1 -> {
                HardState hs = new HardState(random.nextInt(100), random.nextBoolean() ? "" : "n\u00fc" + random.nextInt(9),
                        random.nextInt(100));
                b = ByteBuffer.allocate(WalProto.hardStateSize(hs));
                WalProto.writeHardState(b, hs);
            }
            case 2 -> {
                SnapshotToken t = new SnapshotToken(1 + random.nextInt(100), 1 + random.nextInt(9), random.nextInt(1 << 20),
                        random.nextInt(), random.nextInt());
                b = ByteBuffer.allocate(WalProto.snapshotTokenSize(t));
                WalProto.writeSnapshotToken(b, t);
            }
            case 3 -> {
                long from = 1 + random.nextInt(1000);
                b = ByteBuffer.allocate(WalProto.truncateSize(from));
                WalProto.writeTruncate(b, from);
            }
            default -> {
                byte[] logId = new byte[WalProto.LOG_ID_BYTES];
                random.nextBytes(logId);
                return WalProto.encodeSegmentHeader(new WalProto.SegmentHeader(1 + random.nextInt(9), random.nextInt(),
                        1 + random.nextInt(100), new HardState(1, "n1", 0), null, Map.of(1, 5L), WalProto.FORMAT_VERSION,
                        random.nextBoolean() ? logId : null));
            }
        }
        return b.array();
    }

    /** The first bytes of a real segment: header record, a hard state and a few entries. */
    static byte[] validSegmentPrefix() {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            log.setHardState(new HardState(3, "b", 1));
            SplittableRandom random = new SplittableRandom(5);
            for (long i = 1; i <= 3; i++) {
                log.append(List.of(WalFixtures.randomEntry(random, i, 1, 20))).join();
            }
        }
        byte[] image = dir.contents(Segment.fileName(1));
        return Arrays.copyOf(image, RecordFrame.dataEnd(image, image.length));
    }

    private static void decodeAll(byte[] input) {
        RecordFrame.Scan scan = RecordFrame.parse(input, input.length, 0, 0, new CRC32C(), new RecordFrame.Scan());
        if (scan.status == RecordFrame.Status.OK && (scan.bodyOffset < 0 || scan.end > input.length)) {
            throw new AssertionError("parser reported a record outside the input");
        }
        expectOnlyIllegalArgument(() -> reencodesEntry(WalProto.readStoredEntry(ByteBuffer.wrap(input))));
        expectOnlyIllegalArgument(() -> reencodesHardState(WalProto.readHardState(ByteBuffer.wrap(input))));
        expectOnlyIllegalArgument(() -> reencodesToken(WalProto.readSnapshotToken(ByteBuffer.wrap(input))));
        expectOnlyIllegalArgument(() -> reencodesTruncation(WalProto.readTruncate(ByteBuffer.wrap(input))));
        expectOnlyIllegalArgument(() -> reencodesSegmentHeader(WalProto.readSegmentHeader(ByteBuffer.wrap(input))));
        SimulatedDirectory dir = new SimulatedDirectory();
        dir.replace(Segment.fileName(1), input);
        try (SegmentedLogStorage log = WalFixtures.openReadOnly(dir)) {
            WalFixtures.content(log);
        } catch (WalCorruptionException | CryptoException expected) {
            // the typed outcomes for damaged bytes, and for a sealed entry read without a sealer
        }
    }

    // A decoded body re-encodes (canonically, so not necessarily to the same bytes) to one that
    // decodes to the same value: decoding loses nothing the log relies on.

    private static void reencodesEntry(WalProto.StoredEntry stored) {
        ByteBuffer b = ByteBuffer.allocate(WalProto.entrySize(stored.entry(), stored.keyId()));
        WalProto.writeEntry(b, stored.entry(), stored.keyId());
        assertEquals(0, b.remaining(), "entry size miscounted");
        assertEquals(stored, WalProto.readStoredEntry(b.flip()), "a decoded entry re-encodes to itself");
    }

    private static void reencodesHardState(HardState hs) {
        ByteBuffer b = ByteBuffer.allocate(WalProto.hardStateSize(hs));
        WalProto.writeHardState(b, hs);
        assertEquals(0, b.remaining(), "hard state size miscounted");
        assertEquals(hs, WalProto.readHardState(b.flip()), "a decoded hard state re-encodes to itself");
    }

    private static void reencodesToken(SnapshotToken t) {
        ByteBuffer b = ByteBuffer.allocate(WalProto.snapshotTokenSize(t));
        WalProto.writeSnapshotToken(b, t);
        assertEquals(0, b.remaining(), "snapshot token size miscounted");
        assertEquals(t, WalProto.readSnapshotToken(b.flip()), "a decoded snapshot token re-encodes to itself");
    }

    private static void reencodesTruncation(long from) {
        ByteBuffer b = ByteBuffer.allocate(WalProto.truncateSize(from));
        WalProto.writeTruncate(b, from);
        assertEquals(from, WalProto.readTruncate(b.flip()), "a decoded truncation re-encodes to itself");
    }

    private static void reencodesSegmentHeader(WalProto.SegmentHeader h) {
        WalProto.SegmentHeader again = WalProto.readSegmentHeader(ByteBuffer.wrap(WalProto.encodeSegmentHeader(h)));
        assertEquals(List.of(h.sequence(), h.chainSeed(), h.firstIndex(), h.hardState(), Optional.ofNullable(h.snapshotToken()),
                h.sealCounts(), h.formatVersion()), List.of(again.sequence(), again.chainSeed(), again.firstIndex(), again.hardState(),
                Optional.ofNullable(again.snapshotToken()), again.sealCounts(), again.formatVersion()),
                "a decoded segment header re-encodes to itself");
        assertArrayEquals(h.logId(), again.logId(), "a decoded segment header keeps its log id");
    }

    private static void expectOnlyIllegalArgument(Runnable decode) {
        try {
            decode.run();
        } catch (IllegalArgumentException expected) {
            // the decoders' one failure type
        }
    }
}
