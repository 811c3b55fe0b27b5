package dev.keel.snapshot.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.storage.api.snapshot.SnapshotHeaderException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The header parser against arbitrary bytes: a header or a {@link SnapshotHeaderException},
 * nothing else (no runtime exception, no allocation sized by an unchecked length field). The
 * committed corpus replays in every build; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class HeaderParserFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());

    @FuzzTest(maxDuration = "30s")
    void headerParserRejectsArbitraryBytesWithTypedErrors(byte[] input) throws IOException {
        parse(input);
    }

    @Test
    void headerParserRejectsRandomAndMutatedHeadersWithTypedErrors() throws IOException {
        System.out.println("HeaderParserFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] valid = validHeader();
        assertEquals(Fixtures.info(9, 42, 2), parse(valid).header().commitInfo());
        for (int i = 0; i < 3_000; i++) {
            byte[] bytes;
            switch (i % 4) {
                case 0 -> {
                    bytes = new byte[random.nextInt(200)];
                    random.nextBytes(bytes);
                }
                case 1 -> {
                    bytes = valid.clone();
                    for (int f = 1 + random.nextInt(4); f > 0; f--) {
                        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 2 -> bytes = Arrays.copyOf(valid, random.nextInt(valid.length));
                default -> {
                    // A crafted length field with a payload whose CRC is made to match, so the
                    // Protobuf decoder itself sees the damage.
                    bytes = valid.clone();
                    int at = 10 + random.nextInt(bytes.length - 14);
                    bytes[at] = (byte) random.nextInt(256);
                    if (random.nextBoolean()) {
                        ByteBuffer.wrap(bytes).putInt(6, random.nextInt());
                    }
                    fixCrc(bytes);
                }
            }
            parse(bytes);
        }
    }

    static byte[] validHeader() {
        SnapshotHeader h = new SnapshotHeader(42, 2, "test", "kv", 9, Fixtures.info(9, 42, 2).commitment(),
                Fixtures.metadata(42, 2), 0, 4, 16, 0, 0);
        return HeaderCodec.encode(h);
    }

    private static void fixCrc(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    }

    private static HeaderCodec.Parsed parse(byte[] input) throws IOException {
        try {
            return HeaderCodec.read(new ByteArrayInputStream(input), input.length, null);
        } catch (SnapshotHeaderException expected) {
            return null; // the typed rejection
        }
    }
}
