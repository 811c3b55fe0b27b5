package dev.keel.raft.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fault-injecting seam itself: its power-loss model is what the durability tests rely on. */
class SimulatedDirectoryTest {
    private static ByteBuffer bytes(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return ByteBuffer.wrap(b);
    }

    @Test
    void powerLossKeepsForcedBytesAndDropsTheRest() throws IOException {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (StorageFile f = dir.open("a", StorageDirectory.OpenMode.CREATE_NEW)) {
            dir.forceDirectory();
            f.writeFully(bytes(10, 1), 0);
            f.force(false);
            f.writeFully(bytes(10, 2), 10);
        }
        SimulatedDirectory after = dir.powerLoss(new Random(1), false);
        assertArrayEquals(bytes(10, 1).array(), after.contents("a"));
    }

    @Test
    void tornLastWriteLeavesOnlyAPrefixOfIt() throws IOException {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (StorageFile f = dir.open("a", StorageDirectory.OpenMode.CREATE_NEW)) {
            dir.forceDirectory();
            f.writeFully(bytes(100, 7), 0);
        }
        boolean sawPartial = false;
        for (int seed = 0; seed < 20; seed++) {
            byte[] image = dir.powerLoss(new Random(seed), true).contents("a");
            assertTrue(image.length <= 100);
            for (byte b : image) {
                assertEquals(7, b);
            }
            sawPartial |= image.length > 0 && image.length < 100;
        }
        assertTrue(sawPartial, "tearing never produced a partial write");
    }

    @Test
    void fileCreatedWithoutDirectoryForceVanishesOnPowerLoss() throws IOException {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (StorageFile f = dir.open("a", StorageDirectory.OpenMode.CREATE_NEW)) {
            f.writeFully(bytes(4, 1), 0);
            f.force(true);
        }
        assertEquals(List.of(), dir.powerLoss(new Random(1), true).list());
    }

    @Test
    void injectedFaultsSurfaceAsIOExceptions() throws IOException {
        SimulatedDirectory dir = new SimulatedDirectory();
        StorageFile f = dir.open("a", StorageDirectory.OpenMode.CREATE_NEW);
        dir.failForceAfter(0);
        assertThrows(IOException.class, () -> f.force(false));
        dir.failForceAfter(-1);
        dir.failNextWriteAfter(3);
        assertThrows(IOException.class, () -> f.writeFully(bytes(10, 1), 0));
        assertEquals(3, f.size());
        dir.setCapacity(5);
        assertThrows(IOException.class, () -> f.writeFully(bytes(10, 1), 3));
        assertEquals(5, f.size());
        dir.vanish("a");
        assertThrows(IOException.class, f::size);
        f.close();
    }
}
