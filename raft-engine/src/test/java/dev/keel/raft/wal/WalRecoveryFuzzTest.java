package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import dev.keel.storage.api.crypto.CryptoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * WAL recovery on whole directories built from arbitrary bytes. Raw bytes rarely pass a CRC, so the
 * input is a script of records that this test frames with valid, chained CRCs: the fuzzer then
 * reaches the checks behind the frame (header continuity across segments, entry order, truncation
 * and snapshot-token rules, sealed entries without a log id, torn tails).
 *
 * <p>Properties: a read-only open, a writable open and {@link WalScanner} on a real directory each
 * succeed or fail with a {@link WalCorruptionException} (reading a sealed entry without a sealer:
 * a {@link CryptoException}), and they agree. The writable open's torn-tail repair changes nothing
 * that a read-only open reports, and it is durable and idempotent: a read-only and a second
 * writable open afterwards see the same log.
 *
 * <p>Script: byte 0 holds flags (bit 0: cut the last file short by 1–16 bytes; bit 1: zero-fill
 * the last file to the segment size, as preallocation leaves it; bits 4–5: the first segment's
 * sequence number minus one). Then operations {@code op:u8 len:u8 body[len]}, {@code op & 7}:
 * 0 starts the next segment file, 1–5 append a framed record of that type (header, entry, hard
 * state, snapshot token, truncation) with the body as given, 6 appends the body unframed, 7 appends
 * a segment header that continues the previous segment (body byte 0: first index − 1; byte 1 bit 0:
 * with a log id).
 */
class WalRecoveryFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());
    private static final String TARGET = "recoveryRejectsArbitrarySegmentsWithTypedErrors";
    private static final int MAX_SEGMENTS = 4;
    private static final byte[] LOG_ID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    private static final Path SCRATCH;

    static {
        try {
            SCRATCH = Files.createTempDirectory("wal-recovery-fuzz");
            SCRATCH.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void recoveryRejectsArbitrarySegmentsWithTypedErrors(byte[] input) throws IOException {
        recover(input);
    }

    @Test
    void recoveryRejectsRandomAndMutatedLogsWithTypedErrors() throws IOException {
        System.out.println("WalRecoveryFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        int[] outcomes = new int[Outcome.values().length];
        for (int i = 0; i < 1_500; i++) {
            byte[] script = randomScript(random);
            if (i % 3 != 0) {
                mutate(random, script);
            }
            outcomes[recover(script).ordinal()]++;
        }
        System.out.println("WalRecoveryFuzzTest: " + Arrays.toString(Outcome.values()) + " = " + Arrays.toString(outcomes));
        assertTrue(outcomes[Outcome.OPENED.ordinal()] > 0, "seed " + SEED + ": no log opened");
        assertTrue(outcomes[Outcome.CORRUPT.ordinal()] > 0, "seed " + SEED + ": no log was found corrupt");
    }

    @Test
    void committedSeedsHaveTheirIntendedOutcome() throws IOException {
        Map<String, Seed> seeds = seeds();
        for (Map.Entry<String, Seed> seed : seeds.entrySet()) {
            assertEquals(seed.getValue().expected(), recover(seed.getValue().script()), seed.getKey());
        }
        if (Boolean.getBoolean("keel.fuzz.writeSeeds")) {
            Path dir = Path.of("src/test/resources", WalRecoveryFuzzTest.class.getPackageName().replace('.', '/'),
                    WalRecoveryFuzzTest.class.getSimpleName() + "Inputs", TARGET);
            Files.createDirectories(dir);
            for (Map.Entry<String, Seed> seed : seeds.entrySet()) {
                Files.write(dir.resolve(seed.getKey()), seed.getValue().script());
            }
        }
    }

    /** What the three readers found: all opened, all refused as corrupt, or the entries were sealed. */
    enum Outcome { OPENED, CORRUPT, SEALED }

    static Outcome recover(byte[] script) throws IOException {
        Map<String, byte[]> files = build(script);
        SimulatedDirectory dir = new SimulatedDirectory();
        files.forEach(dir::replace);

        Object readOnly = open(dir.copy(), true);
        SimulatedDirectory repaired = dir.copy();
        Object writable = open(repaired, false);
        Object scanned = scan(files);

        assertEquals(kind(readOnly), kind(writable), "read-only and writable opens agree: " + readOnly + " / " + writable);
        if (readOnly instanceof WalFixtures.Content content) {
            assertEquals(content, writable, "the writable open's repair changes nothing a read-only open reports");
            assertEquals(content, open(repaired.copy(), true), "the repair is durable");
            assertEquals(content, open(repaired, false), "the repair is idempotent");
        }
        boolean recovered = !(readOnly instanceof WalCorruptionException);
        assertEquals(recovered, scanned == null, "WalScanner and the log agree: " + readOnly + " / " + scanned);
        return readOnly instanceof WalFixtures.Content ? Outcome.OPENED
                : readOnly instanceof CryptoException ? Outcome.SEALED : Outcome.CORRUPT;
    }

    /** @return the log's content, or the typed exception that refused it */
    private static Object open(SimulatedDirectory dir, boolean readOnly) {
        try (SegmentedLogStorage log = readOnly ? WalFixtures.openReadOnly(dir) : WalFixtures.open(dir)) {
            return WalFixtures.content(log);
        } catch (WalCorruptionException | CryptoException refused) {
            return refused;
        }
    }

    private static String kind(Object outcome) {
        return outcome instanceof Exception e ? e.getClass().getSimpleName() : "content";
    }

    /** @return null when the scan passed, or the corruption it reported */
    private static WalCorruptionException scan(Map<String, byte[]> files) throws IOException {
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Files.write(SCRATCH.resolve(f.getKey()), f.getValue());
            }
            WalScanner.scan(SCRATCH, new WalVisitor() { });
            return null;
        } catch (WalCorruptionException corrupt) {
            return corrupt;
        } finally {
            // Emptied after every input, so that the directory itself goes at exit.
            try (Stream<Path> written = Files.list(SCRATCH)) {
                for (Path p : written.toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Frames the script into segment files, name → bytes. */
    static Map<String, byte[]> build(byte[] script) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (script.length == 0) {
            return files;
        }
        int flags = script[0];
        long sequence = 1 + ((flags >> 4) & 3);
        CRC32C crc = new CRC32C();
        List<ByteArrayOutputStream> segments = new ArrayList<>();
        segments.add(new ByteArrayOutputStream());
        int chain = 0;
        int previousSegmentCrc = 0;
        int pos = 1;
        while (pos < script.length) {
            int op = script[pos++] & 7;
            int n = pos < script.length ? Math.min(script[pos++] & 0xFF, script.length - pos) : 0;
            byte[] body = Arrays.copyOfRange(script, pos, pos + n);
            pos += n;
            ByteArrayOutputStream out = segments.get(segments.size() - 1);
            switch (op) {
                case 0 -> {
                    if (segments.size() < MAX_SEGMENTS) {
                        segments.add(new ByteArrayOutputStream());
                        previousSegmentCrc = chain;
                        chain = 0;
                    }
                }
                case 6 -> out.writeBytes(body);
                case 7 -> {
                    long first = 1 + (body.length > 0 ? body[0] & 0xFF : 0);
                    boolean withLogId = body.length > 1 && (body[1] & 1) != 0;
                    WalProto.SegmentHeader h = new WalProto.SegmentHeader(sequence + segments.size() - 1, previousSegmentCrc,
                            first, HardState.EMPTY, null, Map.of(), WalProto.FORMAT_VERSION, withLogId ? LOG_ID : null);
                    chain = frame(out, RecordFrame.SEGMENT_HEADER, WalProto.encodeSegmentHeader(h), out.size() == 0 ? 0 : chain, crc);
                }
                default -> chain = frame(out, (byte) op, body, out.size() == 0 ? 0 : chain, crc);
            }
        }
        for (int k = 0; k < segments.size(); k++) {
            byte[] bytes = segments.get(k).toByteArray();
            if (k == segments.size() - 1) {
                if ((flags & 1) != 0 && bytes.length > 0) {
                    bytes = Arrays.copyOf(bytes, Math.max(0, bytes.length - 1 - (script[script.length - 1] & 15)));
                }
                if ((flags & 2) != 0 && bytes.length < WalFixtures.SEGMENT_BYTES) {
                    bytes = Arrays.copyOf(bytes, WalFixtures.SEGMENT_BYTES);
                }
            }
            files.put(Segment.fileName(sequence + k), bytes);
        }
        return files;
    }

    private static int frame(ByteArrayOutputStream out, byte type, byte[] body, int prevCrc, CRC32C crc) {
        ByteBuffer b = RecordFrame.newBuffer(RecordFrame.OVERHEAD + body.length);
        b.position(RecordFrame.HEADER_BYTES);
        b.put(body);
        int recordCrc = RecordFrame.finish(b, 0, type, prevCrc, crc);
        out.write(b.array(), 0, b.position());
        return recordCrc;
    }

    // ---- scripts

    /** A script operation. */
    private static void op(ByteArrayOutputStream s, int op, byte[] body) {
        s.write(op);
        s.write(body.length);
        s.writeBytes(body);
    }

    private static byte[] entry(long index, long term, byte[] payload, int keyId) {
        LogEntry e = new LogEntry(index, term, LogEntry.Type.NORMAL, payload);
        ByteBuffer b = ByteBuffer.allocate(WalProto.entrySize(e, keyId));
        WalProto.writeEntry(b, e, keyId);
        return b.array();
    }

    private static byte[] hardState(HardState hs) {
        ByteBuffer b = ByteBuffer.allocate(WalProto.hardStateSize(hs));
        WalProto.writeHardState(b, hs);
        return b.array();
    }

    private static byte[] token(SnapshotToken t) {
        ByteBuffer b = ByteBuffer.allocate(WalProto.snapshotTokenSize(t));
        WalProto.writeSnapshotToken(b, t);
        return b.array();
    }

    private static byte[] truncate(long from) {
        ByteBuffer b = ByteBuffer.allocate(WalProto.truncateSize(from));
        WalProto.writeTruncate(b, from);
        return b.array();
    }

    /** A plausible log: segments that continue each other, with entries, hard states, tokens and truncations. */
    static byte[] randomScript(SplittableRandom random) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(random.nextInt(4));
        long next = 1 + random.nextInt(3);
        int segments = 1 + random.nextInt(MAX_SEGMENTS);
        for (int k = 0; k < segments; k++) {
            if (k > 0) {
                op(s, 0, new byte[0]);
            }
            op(s, 7, new byte[] {(byte) (next - 1), (byte) random.nextInt(2)});
            for (int r = random.nextInt(6); r > 0; r--) {
                switch (random.nextInt(8)) {
                    case 0 -> {
                        long from = Math.max(1, next - random.nextInt(3));
                        op(s, RecordFrame.TRUNCATE, truncate(from));
                        next = from;
                    }
                    case 1 -> {
                        // Tokens only in the last segment: auto headers carry none.
                        if (k == segments - 1) {
                            op(s, RecordFrame.SNAPSHOT_TOKEN, token(new SnapshotToken(Math.max(1, next - 1 - random.nextInt(2)),
                                    1, 100, random.nextInt(), random.nextInt())));
                        }
                    }
                    default -> {
                        byte[] payload = new byte[random.nextInt(12)];
                        random.nextBytes(payload);
                        op(s, RecordFrame.ENTRY, entry(next++, 1 + random.nextInt(2), payload, random.nextInt(10) == 0 ? 1 : 0));
                    }
                }
            }
            // Hard states only at the end of the last segment: auto headers start from an empty one.
            if (k == segments - 1 && random.nextBoolean()) {
                op(s, RecordFrame.HARD_STATE, hardState(new HardState(1 + random.nextInt(3), "n1", random.nextInt((int) next))));
            }
        }
        return s.toByteArray();
    }

    private static void mutate(SplittableRandom random, byte[] script) {
        for (int f = 1 + random.nextInt(3); f > 0; f--) {
            int at = 1 + random.nextInt(script.length - 1);
            script[at] ^= (byte) (1 << random.nextInt(8));
        }
        if (random.nextInt(4) == 0) {
            script[0] = (byte) random.nextInt(64);
        }
    }

    /** A committed corpus file and what the log must make of it. */
    record Seed(byte[] script, Outcome expected) {
    }

    /** Logs that open, logs with a torn tail, and the corruptions recovery must name, as committed corpus files. */
    static Map<String, Seed> seeds() {
        Map<String, Seed> seeds = new LinkedHashMap<>();
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(2);
        op(s, 7, new byte[] {0, 1});
        op(s, RecordFrame.ENTRY, entry(1, 1, new byte[] {1, 2, 3}, 0));
        op(s, RecordFrame.ENTRY, entry(2, 1, new byte[0], 0));
        op(s, RecordFrame.HARD_STATE, hardState(new HardState(1, "n1", 2)));
        byte[] one = s.toByteArray();
        seeds.put("one-segment", new Seed(one, Outcome.OPENED));
        byte[] torn = one.clone();
        torn[0] = 3;
        seeds.put("torn-tail", new Seed(torn, Outcome.OPENED));

        s = new ByteArrayOutputStream();
        s.write(0);
        op(s, 7, new byte[] {0, 0});
        op(s, RecordFrame.ENTRY, entry(1, 1, new byte[] {9}, 0));
        op(s, RecordFrame.ENTRY, entry(2, 1, new byte[] {9}, 0));
        op(s, RecordFrame.TRUNCATE, truncate(2));
        op(s, 0, new byte[0]);
        op(s, 7, new byte[] {1, 0});
        op(s, RecordFrame.ENTRY, entry(2, 2, new byte[] {8}, 0));
        op(s, 0, new byte[0]);
        op(s, 7, new byte[] {2, 0});
        op(s, RecordFrame.ENTRY, entry(3, 2, new byte[] {7}, 0));
        op(s, RecordFrame.SNAPSHOT_TOKEN, token(new SnapshotToken(2, 2, 100, 7, 9)));
        op(s, RecordFrame.ENTRY, entry(4, 2, new byte[] {6}, 0));
        seeds.put("three-segments", new Seed(s.toByteArray(), Outcome.OPENED));

        s = new ByteArrayOutputStream();
        s.write(0);
        op(s, 7, new byte[] {0, 0});
        op(s, RecordFrame.ENTRY, entry(1, 1, new byte[] {9}, 0));
        op(s, 0, new byte[0]);
        op(s, 7, new byte[] {5, 0});
        seeds.put("segment-does-not-continue", new Seed(s.toByteArray(), Outcome.CORRUPT));

        s = new ByteArrayOutputStream();
        s.write(0);
        op(s, 7, new byte[] {0, 0});
        op(s, RecordFrame.ENTRY, entry(3, 1, new byte[] {9}, 0));
        seeds.put("entry-gap", new Seed(s.toByteArray(), Outcome.CORRUPT));

        s = new ByteArrayOutputStream();
        s.write(0);
        op(s, 7, new byte[] {0, 0});
        op(s, RecordFrame.ENTRY, entry(1, 1, new byte[] {9}, 3));
        seeds.put("sealed-entry-without-log-id", new Seed(s.toByteArray(), Outcome.CORRUPT));

        s = new ByteArrayOutputStream();
        s.write(0);
        op(s, 7, new byte[] {0, 1});
        op(s, RecordFrame.ENTRY, entry(1, 1, new byte[] {9, 9, 9}, 3));
        seeds.put("sealed-entry-without-sealer", new Seed(s.toByteArray(), Outcome.SEALED));

        s = new ByteArrayOutputStream();
        s.write(0);
        op(s, 7, new byte[] {0, 0});
        op(s, RecordFrame.ENTRY, entry(1, 1, new byte[] {9}, 0));
        op(s, RecordFrame.ENTRY, new byte[] {0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
        seeds.put("entry-overlong-varint", new Seed(s.toByteArray(), Outcome.CORRUPT));

        s = new ByteArrayOutputStream();
        s.write(0);
        op(s, 7, new byte[] {0, 0});
        op(s, RecordFrame.ENTRY, new byte[] {0x08, 0x01, 0x10, 0x01, 0x22, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        seeds.put("entry-crafted-payload-length", new Seed(s.toByteArray(), Outcome.CORRUPT));

        s = new ByteArrayOutputStream();
        s.write(0);
        op(s, 7, new byte[] {0, 0});
        op(s, RecordFrame.ENTRY, entry(1, 1, new byte[] {9}, 0));
        op(s, 6, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        op(s, RecordFrame.ENTRY, entry(2, 1, new byte[] {9}, 0));
        seeds.put("garbage-between-records", new Seed(s.toByteArray(), Outcome.CORRUPT));

        s = new ByteArrayOutputStream();
        s.write(0);
        op(s, RecordFrame.ENTRY, entry(1, 1, new byte[] {9}, 0));
        seeds.put("no-segment-header", new Seed(s.toByteArray(), Outcome.CORRUPT));
        return seeds;
    }
}
