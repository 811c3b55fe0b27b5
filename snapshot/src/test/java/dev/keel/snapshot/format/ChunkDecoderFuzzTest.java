package dev.keel.snapshot.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.crypto.SealedRecordException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The body (chunk and record) decoder against arbitrary bytes: records, a
 * {@link CorruptionException} or (sealed) a {@link SealedRecordException}; nothing else, and no
 * allocation larger than the bytes left. Input layout: byte 0 = expected record count, byte 1 bit 0
 * = sealed (test sealer, key 4), the rest = the body with 16-byte chunks.
 */
class ChunkDecoderFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());
    private static final int CHUNK = 16;

    @FuzzTest(maxDuration = "30s")
    void chunkDecoderRejectsArbitraryBytesWithTypedErrors(byte[] input) {
        decode(input);
    }

    @Test
    void chunkDecoderRejectsRandomAndMutatedBodiesWithTypedErrors() throws IOException {
        System.out.println("ChunkDecoderFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 2_000; i++) {
            List<ExportRecord> records = Fixtures.randomRecords(random, random.nextInt(6), 40);
            boolean sealed = random.nextBoolean();
            byte[] input = encodedInput(records, sealed);
            if (i % 10 == 0) {
                assertEquals(records, decode(input), "intact input decodes");
                continue;
            }
            switch (i % 3) {
                case 0 -> {
                    for (int f = 1 + random.nextInt(3); f > 0; f--) {
                        int at = random.nextInt(input.length);
                        input[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> input = Arrays.copyOf(input, 2 + random.nextInt(input.length - 1));
                default -> {
                    // A crafted 4-byte length somewhere in the body.
                    if (input.length >= 6) {
                        int at = 2 + random.nextInt(input.length - 5);
                        ByteBuffer.wrap(input).putInt(at, random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt());
                    }
                }
            }
            decode(input);
        }
    }

    static byte[] encodedInput(List<ExportRecord> records, boolean sealed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(records.size());
        out.write(sealed ? 1 : 0);
        BodyEncoder encoder = new BodyEncoder(out, CHUNK, sealed ? new ChunkSealing(new TestSealer(4), 4) : null, 1, 1);
        for (ExportRecord r : records) {
            encoder.write(r);
        }
        encoder.finish();
        return out.toByteArray();
    }

    private static List<ExportRecord> decode(byte[] input) {
        if (input.length < 2) {
            return null;
        }
        boolean sealed = (input[1] & 1) != 0;
        BodyDecoder decoder = new BodyDecoder(new ByteArrayInputStream(input, 2, input.length - 2), input.length - 2, CHUNK,
                sealed ? new ChunkSealing(new TestSealer(4), 4) : null, sealed ? TestSealer.OVERHEAD : 0, 1, 1,
                input[0] & 0xFF, 2, null);
        List<ExportRecord> out = new ArrayList<>();
        try {
            while (decoder.hasNext()) {
                out.add(decoder.next());
            }
            return out;
        } catch (CorruptionException | SealedRecordException expected) {
            return null; // the typed rejections
        }
    }
}
