package dev.keel.snapshot.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.crypto.CryptoException;
import dev.keel.storage.api.snapshot.SnapshotChecksumException;
import dev.keel.storage.api.snapshot.SnapshotException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * A whole snapshot file against arbitrary bytes, along the path a node takes: the verifier (checks
 * 1–3 under {@code HEADER}, 1–4 under {@code FULL}) gives a verified header or a
 * {@link SnapshotException}; a file that passed {@code FULL} opens in a {@link SnapshotReader} or
 * fails with a {@link CryptoException} (sealed, sealer missing or mismatched), and its records
 * stream out or stop with a {@link CorruptionException}, a
 * {@link dev.keel.storage.api.crypto.SealedRecordException} or a {@link SnapshotChecksumException}.
 * Nothing else, no allocation sized by a crafted length. A body that reads completely has the
 * header's record count, and its records re-encode to a body that decodes to the same records.
 *
 * <p>Input layout: byte 0 holds flags (bit 0: recompute the header CRC, bit 1: recompute the footer
 * CRC, so that mutations reach the checks behind them; bit 2: take the token from the next 32
 * bytes — index, term, length, footer CRC, header CRC — instead of from the file itself; bit 3:
 * give the reader no sealer). The rest is the file. The committed corpus replays in every build;
 * {@code JAZZER_FUZZ=1} fuzzes for real ({@code ./fuzz}).
 */
class SnapshotFileFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());
    private static final String TARGET = "snapshotFileRejectsArbitraryBytesWithTypedErrors";
    static final int FIX_HEADER_CRC = 1;
    static final int FIX_FOOTER_CRC = 2;
    static final int EXPLICIT_TOKEN = 4;
    static final int NO_SEALER = 8;
    private static final int TOKEN_BYTES = 32;
    private static final int KEY_ID = 4;
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("snapshot-fuzz", ".snap");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void snapshotFileRejectsArbitraryBytesWithTypedErrors(byte[] input) throws IOException {
        check(input);
    }

    @Test
    void snapshotFilesRejectRandomAndMutatedBytesWithTypedErrors() throws IOException {
        System.out.println("SnapshotFileFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        int[] outcomes = new int[Outcome.values().length];
        Path scratch = Files.createTempFile("snapshot-fuzz-gen", ".snap");
        try {
            for (int i = 0; i < 1_500; i++) {
                List<ExportRecord> records = Fixtures.randomRecords(random, random.nextInt(8), 40);
                boolean sealed = random.nextBoolean();
                byte[] file = write(scratch, records, sealed, 16 + random.nextInt(48));
                if (i % 10 == 0) {
                    int flags = sealed || random.nextBoolean() ? 0 : NO_SEALER;
                    assertEquals(Outcome.READ, check(input(flags, null, file)), "seed " + SEED + ": an intact file reads");
                    continue;
                }
                int flags = random.nextInt(16) & ~EXPLICIT_TOKEN;
                SnapshotToken token = null;
                switch (random.nextInt(5)) {
                    case 0 -> {
                        for (int f = 1 + random.nextInt(3); f > 0; f--) {
                            file[random.nextInt(file.length)] ^= (byte) (1 << random.nextInt(8));
                        }
                    }
                    case 1 -> file = Arrays.copyOf(file, random.nextInt(file.length));
                    case 2 -> {
                        // A crafted 4-byte length in the body, with both CRCs made to match.
                        int headerLength = ByteBuffer.wrap(file, 6, 4).getInt();
                        if (file.length - 8 > headerLength) {
                            int at = headerLength + random.nextInt(file.length - 8 - headerLength);
                            ByteBuffer.wrap(file).putInt(at, random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt());
                        }
                        flags |= FIX_FOOTER_CRC;
                    }
                    case 3 -> {
                        // A header byte changed, with its CRC and the footer made to match.
                        int headerLength = ByteBuffer.wrap(file, 6, 4).getInt();
                        file[10 + random.nextInt(headerLength - 14)] = (byte) random.nextInt(256);
                        flags |= FIX_HEADER_CRC | FIX_FOOTER_CRC;
                    }
                    default -> {
                        // The intact file under a token that differs in one field.
                        SnapshotToken own = SnapshotVerifier.ownToken(scratch);
                        token = switch (random.nextInt(5)) {
                            case 0 -> new SnapshotToken(own.index() + 1, own.term(), own.fileLength(), own.footerCrc32c(), own.headerCrc32c());
                            case 1 -> new SnapshotToken(own.index(), own.term() + 1, own.fileLength(), own.footerCrc32c(), own.headerCrc32c());
                            case 2 -> new SnapshotToken(own.index(), own.term(), own.fileLength() + 1, own.footerCrc32c(), own.headerCrc32c());
                            case 3 -> new SnapshotToken(own.index(), own.term(), own.fileLength(), ~own.footerCrc32c(), own.headerCrc32c());
                            default -> new SnapshotToken(own.index(), own.term(), own.fileLength(), own.footerCrc32c(), ~own.headerCrc32c());
                        };
                        assertEquals(Outcome.REJECTED, check(input(EXPLICIT_TOKEN, token, file)), "seed " + SEED + ": token " + token);
                        continue;
                    }
                }
                outcomes[check(input(flags, token, file)).ordinal()]++;
            }
        } finally {
            Files.deleteIfExists(scratch);
        }
        System.out.println("SnapshotFileFuzzTest mutated files: " + Arrays.toString(Outcome.values()) + " = "
                + Arrays.toString(outcomes));
        assertTrue(outcomes[Outcome.REJECTED.ordinal()] > 0, "seed " + SEED + ": no mutation was rejected");
        assertTrue(outcomes[Outcome.VERIFIED.ordinal()] > 0, "seed " + SEED + ": no mutation reached the body decoder");
    }

    @Test
    void committedSeedsHaveTheirIntendedOutcome() throws IOException {
        Map<String, Seed> seeds = seeds();
        for (Map.Entry<String, Seed> seed : seeds.entrySet()) {
            assertEquals(seed.getValue().expected(), check(seed.getValue().input()), seed.getKey());
        }
        if (Boolean.getBoolean("keel.fuzz.writeSeeds")) {
            Path dir = Path.of("src/test/resources", SnapshotFileFuzzTest.class.getPackageName().replace('.', '/'),
                    SnapshotFileFuzzTest.class.getSimpleName() + "Inputs", TARGET);
            Files.createDirectories(dir);
            for (Map.Entry<String, Seed> seed : seeds.entrySet()) {
                Files.write(dir.resolve(seed.getKey()), seed.getValue().input());
            }
        }
    }

    /** How far a file got: rejected by the verifier, verified but its body refused, or read in full. */
    enum Outcome { REJECTED, VERIFIED, READ }

    static Outcome check(byte[] input) throws IOException {
        if (input.length == 0) {
            return Outcome.REJECTED;
        }
        int flags = input[0];
        int from = 1;
        SnapshotToken token = null;
        if ((flags & EXPLICIT_TOKEN) != 0 && input.length >= 1 + TOKEN_BYTES) {
            ByteBuffer t = ByteBuffer.wrap(input, 1, TOKEN_BYTES);
            try {
                token = new SnapshotToken(t.getLong(), t.getLong(), t.getLong(), t.getInt(), t.getInt());
            } catch (IllegalArgumentException notAToken) {
                // The token is the caller's; an impossible one falls back to the file's own.
            }
            from += TOKEN_BYTES;
        }
        byte[] file = Arrays.copyOfRange(input, from, input.length);
        if ((flags & FIX_HEADER_CRC) != 0 && file.length >= 10) {
            long headerLength = Integer.toUnsignedLong(ByteBuffer.wrap(file, 6, 4).getInt());
            if (headerLength >= 14 && headerLength <= file.length) {
                CRC32C crc = new CRC32C();
                crc.update(file, 0, (int) headerLength - 4);
                ByteBuffer.wrap(file).putInt((int) headerLength - 4, (int) crc.getValue());
            }
        }
        if ((flags & FIX_FOOTER_CRC) != 0 && file.length >= 4) {
            CRC32C crc = new CRC32C();
            crc.update(file, 0, file.length - 4);
            ByteBuffer.wrap(file).putInt(file.length - 4, (int) crc.getValue());
        }
        Files.write(FILE, file);

        if (token == null) {
            try {
                token = SnapshotVerifier.ownToken(FILE);
            } catch (SnapshotException rejected) {
                return Outcome.REJECTED;
            }
        }
        VerifiedSnapshot headerOnly;
        try {
            headerOnly = SnapshotVerifier.verify(FILE, token, VerificationPolicy.HEADER);
        } catch (SnapshotException rejected) {
            headerOnly = null;
        }
        VerifiedSnapshot full;
        try {
            full = SnapshotVerifier.verify(FILE, token, VerificationPolicy.FULL);
        } catch (SnapshotException rejected) {
            return Outcome.REJECTED;
        }
        assertNotNull(headerOnly, "a file that passes FULL passes HEADER");
        assertEquals(full.header(), headerOnly.header());

        SnapshotHeader header = full.header();
        List<ExportRecord> records = new ArrayList<>();
        try (SnapshotReader reader = SnapshotReader.open(FILE, token, (flags & NO_SEALER) != 0 ? null : new TestSealer(KEY_ID),
                ProgressListener.NONE)) {
            ImportSource source = reader.importSource();
            assertEquals(header.commitInfo(), source.expected());
            Iterator<ExportRecord> it = source.records();
            while (it.hasNext()) {
                records.add(it.next());
            }
        } catch (CorruptionException | CryptoException | SnapshotChecksumException refused) {
            return Outcome.VERIFIED;
        }
        assertEquals(header.recordCount(), records.size(), "a body that reads completely has the header's record count");
        assertEquals(records, reencoded(records, header), "the records re-encode to a body that decodes to them");
        return Outcome.READ;
    }

    private static List<ExportRecord> reencoded(List<ExportRecord> records, SnapshotHeader h) throws IOException {
        ChunkSealing sealing = h.isSealed() ? new ChunkSealing(new TestSealer(KEY_ID), h.sealKeyId()) : null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodyEncoder encoder = new BodyEncoder(out, h.chunkSize(), sealing, h.index(), h.term());
        for (ExportRecord r : records) {
            encoder.write(r);
        }
        encoder.finish();
        byte[] body = out.toByteArray();
        BodyDecoder decoder = new BodyDecoder(new ByteArrayInputStream(body), body.length, h.chunkSize(), sealing,
                h.sealOverhead(), h.index(), h.term(), records.size(), 0, null);
        List<ExportRecord> back = new ArrayList<>();
        while (decoder.hasNext()) {
            back.add(decoder.next());
        }
        return back;
    }

    static byte[] input(int flags, SnapshotToken token, byte[] file) {
        ByteBuffer b = ByteBuffer.allocate(1 + (token == null ? 0 : TOKEN_BYTES) + file.length).put((byte) flags);
        if (token != null) {
            b.putLong(token.index()).putLong(token.term()).putLong(token.fileLength()).putInt(token.footerCrc32c())
                    .putInt(token.headerCrc32c());
        }
        return b.put(file).array();
    }

    private static byte[] write(Path file, List<ExportRecord> records, boolean sealed, int chunkSize) throws IOException {
        SnapshotWriteOptions options = SnapshotWriteOptions.DEFAULTS.withChunkSize(chunkSize);
        if (sealed) {
            options = options.withSealing(new ChunkSealing(new TestSealer(KEY_ID), KEY_ID));
        }
        try (ListExport export = new ListExport(Fixtures.info(9, 42, 2), records)) {
            SnapshotWriter.write(export, file, options);
        }
        return Files.readAllBytes(file);
    }

    /** A committed corpus file and how far it must get. */
    record Seed(byte[] input, Outcome expected) {
    }

    /** Real files (plain and sealed), wrong tokens and damaged bodies, as committed corpus files. */
    static Map<String, Seed> seeds() throws IOException {
        Map<String, Seed> seeds = new LinkedHashMap<>();
        Path scratch = Files.createTempFile("snapshot-fuzz-seed", ".snap");
        try {
            byte[] plain = write(scratch, Fixtures.smallRecords((byte) 1), false, 16);
            SnapshotToken token = SnapshotVerifier.ownToken(scratch);
            byte[] sealed = write(scratch, Fixtures.smallRecords((byte) 2), true, 16);
            byte[] empty = write(scratch, List.of(), false, 16);
            int headerLength = ByteBuffer.wrap(plain, 6, 4).getInt();
            seeds.put("valid-plain", new Seed(input(0, null, plain), Outcome.READ));
            seeds.put("valid-plain-crcs-recomputed", new Seed(input(FIX_HEADER_CRC | FIX_FOOTER_CRC, null, plain), Outcome.READ));
            seeds.put("valid-plain-explicit-token", new Seed(input(EXPLICIT_TOKEN, token, plain), Outcome.READ));
            seeds.put("valid-sealed", new Seed(input(0, null, sealed), Outcome.READ));
            seeds.put("valid-sealed-crcs-recomputed", new Seed(input(FIX_HEADER_CRC | FIX_FOOTER_CRC, null, sealed), Outcome.READ));
            seeds.put("valid-no-records", new Seed(input(0, null, empty), Outcome.READ));
            seeds.put("sealed-without-sealer", new Seed(input(NO_SEALER, null, sealed), Outcome.VERIFIED));
            seeds.put("token-length-mismatch", new Seed(input(EXPLICIT_TOKEN, new SnapshotToken(token.index(), token.term(),
                    token.fileLength() + 1, token.footerCrc32c(), token.headerCrc32c()), plain), Outcome.REJECTED));
            seeds.put("token-index-mismatch", new Seed(input(EXPLICIT_TOKEN, new SnapshotToken(token.index() + 1, token.term(),
                    token.fileLength(), token.footerCrc32c(), token.headerCrc32c()), plain), Outcome.REJECTED));
            byte[] flipped = plain.clone();
            flipped[headerLength + 1] ^= 1;
            seeds.put("body-flip-footer-stale", new Seed(input(0, null, flipped), Outcome.REJECTED));
            seeds.put("body-flip-footer-recomputed", new Seed(input(FIX_FOOTER_CRC, null, flipped), Outcome.VERIFIED));
            byte[] crafted = plain.clone();
            ByteBuffer.wrap(crafted).putInt(headerLength, Integer.MAX_VALUE);
            seeds.put("crafted-chunk-length", new Seed(input(FIX_FOOTER_CRC, null, crafted), Outcome.VERIFIED));
            byte[] sealedFlipped = sealed.clone();
            sealedFlipped[sealedFlipped.length - 8] ^= 1;
            seeds.put("sealed-tag-flip-footer-recomputed", new Seed(input(FIX_FOOTER_CRC, null, sealedFlipped), Outcome.VERIFIED));
            seeds.put("truncated", new Seed(input(0, null, Arrays.copyOf(plain, plain.length - 5)), Outcome.REJECTED));
            seeds.put("too-small", new Seed(input(0, null, new byte[10]), Outcome.REJECTED));
        } finally {
            Files.deleteIfExists(scratch);
        }
        return seeds;
    }
}
