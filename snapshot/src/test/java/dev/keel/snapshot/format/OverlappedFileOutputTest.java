package dev.keel.snapshot.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlappedFileOutputTest {
    @TempDir
    Path dir;

    private static long seed() {
        long seed = Long.getLong("keel.test.seed", System.nanoTime());
        System.out.println("OverlappedFileOutputTest seed " + seed + " (rerun with -Dkeel.test.seed=" + seed + ")");
        return seed;
    }

    @Test
    void randomWritesReachTheFileInOrderWithFlushesBetween() throws IOException {
        long seed = seed();
        Random random = new Random(seed);
        for (int round = 0; round < 20; round++) {
            Path file = dir.resolve("out-" + round);
            int bufferBytes = 1 + random.nextInt(64);
            int buffers = 2 + random.nextInt(3);
            long forceEvery = random.nextBoolean() ? 0 : 1 + random.nextInt(200);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OverlappedFileOutput out = new OverlappedFileOutput(channel, bufferBytes, buffers, forceEvery);
                int pieces = random.nextInt(200);
                for (int i = 0; i < pieces; i++) {
                    if (random.nextInt(10) == 0) {
                        int b = random.nextInt(256);
                        out.write(b);
                        expected.write(b);
                    } else {
                        byte[] bytes = new byte[random.nextInt(150)];
                        random.nextBytes(bytes);
                        int off = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                        int len = random.nextInt(bytes.length - off + 1);
                        out.write(bytes, off, len);
                        expected.write(bytes, off, len);
                    }
                    if (random.nextInt(25) == 0) {
                        out.flush();
                        assertEquals(expected.size(), channel.size(), "flush returned before the channel had every byte (seed " + seed + ")");
                    }
                }
                out.close();
                assertEquals(expected.size(), channel.size(), "seed " + seed);
                out.close(); // idempotent
            }
            assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file), "round " + round + ", seed " + seed);
        }
    }

    @Test
    void aWriteFailureOnTheWriterThreadReachesTheProducer() throws IOException {
        Path file = dir.resolve("failing");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OverlappedFileOutput out = new OverlappedFileOutput(channel, 16, 2, 0);
        channel.close();
        IOException e = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 100; i++) {
                out.write(new byte[16]);
            }
            out.close();
        });
        assertTrue(e.getCause() instanceof ClosedChannelException, "cause: " + e.getCause());
        out.abort();
        assertFalse(out.writerAlive());
        assertThrows(IllegalStateException.class, () -> out.write(1), "use after close");
    }

    @Test
    void abortStopsTheThreadWithoutWritingTheUnfilledBuffer() throws IOException {
        Path file = dir.resolve("aborted");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OverlappedFileOutput out = new OverlappedFileOutput(channel, 1024, 2, 0);
            out.write(new byte[10]);
            assertTrue(out.writerAlive());
            out.abort();
            assertFalse(out.writerAlive(), "abort returned with the writer thread still running");
            assertEquals(0, channel.size(), "a partly filled buffer is never written by abort");
            out.abort();
        }
    }
}
