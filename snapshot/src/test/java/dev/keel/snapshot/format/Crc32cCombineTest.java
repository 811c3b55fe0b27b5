package dev.keel.snapshot.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cCombineTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    @Test
    void combinedCrcEqualsTheJdkCrcOfTheConcatenation() {
        System.out.println("Crc32cCombineTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 500; i++) {
            byte[] data = new byte[random.nextInt(5000)];
            random.nextBytes(data);
            int cut = data.length == 0 ? 0 : random.nextInt(data.length + 1);
            int combined = Crc32cCombine.combine(crc(data, 0, cut), crc(data, cut, data.length - cut), data.length - cut);
            assertEquals(crc(data, 0, data.length), combined, "length " + data.length + " cut " + cut);
        }
    }
}
