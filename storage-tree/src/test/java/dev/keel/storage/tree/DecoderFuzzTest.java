package dev.keel.storage.tree;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.storage.api.CorruptionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every decoder of the tree backend against arbitrary bytes: ICS23 proofs give a value or a
 * {@link MalformedProofException}; tree snapshot files a value or a {@link CorruptionException};
 * changelog files their intact records, a cut torn tail, or a {@link CorruptionException}. Nothing
 * else may escape (no {@code OutOfMemoryError} from a crafted length, no runtime exception).
 */
class DecoderFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());
    private static final Path SCRATCH;

    static {
        try {
            SCRATCH = Files.createTempDirectory("tree-decoder-fuzz");
            SCRATCH.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void decodersRejectArbitraryBytesWithTypedErrors(byte[] input) throws IOException {
        decodeAll(input);
    }

    @Test
    void decodersRejectRandomAndMutatedInputsWithTypedErrors() throws IOException {
        System.out.println("DecoderFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] proof = Ics23Test.load("ics23_iavl_nonexist_middle").proof();
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(96)];
                random.nextBytes(bytes);
            } else {
                bytes = proof.clone();
                for (int f = 1 + random.nextInt(4); f > 0; f--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                if (random.nextBoolean()) {
                    bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
                }
            }
            decodeAll(bytes);
        }
    }

    private static void decodeAll(byte[] input) throws IOException {
        try {
            ProofCodec.decode(input);
        } catch (MalformedProofException expected) {
            // the typed rejection
        }
        Ics23.verify(input, new byte[32], new byte[] {1}, null);
        Path file = Files.createTempFile(SCRATCH, "input", "");
        try {
            Files.write(file, input);
            try {
                TreeSnapshotFile.read(file);
            } catch (CorruptionException expected) {
                // the typed rejection
            }
            try {
                Changelog.openAndRead(file, false, new ArrayList<>()).close();
            } catch (CorruptionException expected) {
                // the typed rejection
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
