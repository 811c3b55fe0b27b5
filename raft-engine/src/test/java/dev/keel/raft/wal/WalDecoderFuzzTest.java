package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The WAL's decoders against arbitrary bytes: the frame parser returns a verdict and never throws;
 * the Protobuf body decoders return a value or throw {@link IllegalArgumentException}; a whole
 * segment made of the bytes opens or fails with {@link WalCorruptionException}. Never anything else,
 * and never an allocation sized by an unchecked length. The committed corpus runs in every build;
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
                bytes = valid.clone();
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

    /** The first bytes of a real segment: header record, a hard state and a few entries. */
    static byte[] validSegmentPrefix() {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            log.setHardState(new HardState(3, "b", 1));
            SplittableRandom random = new SplittableRandom(5);
            for (long i = 1; i <= 3; i++) {
                log.append(java.util.List.of(WalFixtures.randomEntry(random, i, 1, 20))).join();
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
        expectOnlyIllegalArgument(() -> WalProto.readEntry(ByteBuffer.wrap(input)));
        expectOnlyIllegalArgument(() -> WalProto.readHardState(ByteBuffer.wrap(input)));
        expectOnlyIllegalArgument(() -> WalProto.readSnapshotToken(ByteBuffer.wrap(input)));
        expectOnlyIllegalArgument(() -> WalProto.readTruncate(ByteBuffer.wrap(input)));
        expectOnlyIllegalArgument(() -> WalProto.readSegmentHeader(ByteBuffer.wrap(input)));
        SimulatedDirectory dir = new SimulatedDirectory();
        dir.replace(Segment.fileName(1), input);
        try (SegmentedLogStorage log = WalFixtures.openReadOnly(dir)) {
            WalFixtures.content(log);
        } catch (WalCorruptionException expected) {
            // the typed outcome for damaged bytes
        }
    }

    private static void expectOnlyIllegalArgument(Runnable decode) {
        try {
            decode.run();
        } catch (IllegalArgumentException expected) {
            // the decoders' one failure type
        }
    }
}
