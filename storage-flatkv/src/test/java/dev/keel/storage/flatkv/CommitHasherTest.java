package dev.keel.storage.flatkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.StorageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CommitHasherTest {

    /** Keys 0..n-1; every third is absent before, every fifth is deleted, the rest get new values. */
    private static final class Fixture {
        final List<byte[]> keys = new ArrayList<>();
        final List<byte[]> afters = new ArrayList<>();
        final Map<Integer, byte[]> olds = new HashMap<>();

        Fixture(int n) {
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < n; i++) {
                byte[] key = new byte[1 + random.nextInt(40)];
                random.nextBytes(key);
                key[0] = (byte) i; // distinct keys
                keys.add(key);
                if (i % 3 != 0) {
                    byte[] old = new byte[random.nextInt(200)];
                    random.nextBytes(old);
                    olds.put(i, old);
                }
                byte[] after = null;
                if (i % 5 != 0) {
                    after = new byte[random.nextInt(200)];
                    random.nextBytes(after);
                }
                afters.add(after);
            }
        }

        List<byte[]> read(List<byte[]> slice) {
            List<byte[]> out = new ArrayList<>(slice.size());
            for (byte[] key : slice) {
                out.add(olds.get(indexOf(key)));
            }
            return out;
        }

        int indexOf(byte[] key) {
            for (int i = 0; i < keys.size(); i++) {
                if (keys.get(i) == key) {
                    return i;
                }
            }
            throw new AssertionError("unknown key");
        }

        int[] expectedDelta() {
            List<Change> changes = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                changes.add(new Change(keys.get(i), olds.get(i), afters.get(i)));
            }
            try (CommitHasher single = new CommitHasher(1)) {
                return single.hash(changes);
            }
        }
    }

    @Test
    void updateReadsEveryKeyOnceAndSumsBothElementHashesOnAnyNumberOfThreads() {
        Fixture f = new Fixture(1000);
        int[] expected = f.expectedDelta();
        for (int threads : new int[] {1, 2, 4}) {
            try (CommitHasher hasher = new CommitHasher(threads)) {
                AtomicInteger reads = new AtomicInteger();
                CommitHasher.Update update = hasher.startUpdate(f.keys, f.afters, slice -> {
                    reads.addAndGet(slice.size());
                    return f.read(slice);
                });
                for (int s = 0; s < update.slices(); s++) {
                    update.awaitRead(s);
                    for (int i = update.sliceStart(s); i < update.sliceEnd(s); i++) {
                        assertSame(f.olds.get(i), update.before(i), "old value of key " + i);
                    }
                }
                assertArrayEquals(expected, update.join(), threads + " threads");
                assertEquals(f.keys.size(), reads.get());
            }
        }
    }

    @Test
    void smallUpdateIsStillSpreadOverSeveralSlices() {
        Fixture f = new Fixture(100);
        try (CommitHasher hasher = new CommitHasher(2)) {
            CommitHasher.Update update = hasher.startUpdate(f.keys, f.afters, f::read);
            assertTrue(update.slices() > 2, update.slices() + " slices");
            assertArrayEquals(f.expectedDelta(), update.join());
        }
    }

    @Test
    void failedReadSurfacesAsTheReadersExceptionAndLeavesNoTaskRunning() {
        Fixture f = new Fixture(1000);
        try (CommitHasher hasher = new CommitHasher(2)) {
            AtomicInteger running = new AtomicInteger();
            StorageException boom = new StorageException("disk on fire");
            CommitHasher.Update update = hasher.startUpdate(f.keys, f.afters, slice -> {
                running.incrementAndGet();
                try {
                    if (f.indexOf(slice.get(0)) >= 512) {
                        throw boom;
                    }
                    return f.read(slice);
                } finally {
                    running.decrementAndGet();
                }
            });
            StorageException thrown = assertThrows(StorageException.class, () -> {
                for (int s = 0; s < update.slices(); s++) {
                    update.awaitRead(s);
                }
                update.join();
            });
            assertSame(boom, thrown);
            update.cancel();
            assertEquals(0, running.get());
        }
    }

    @Test
    void emptyUpdateHasZeroDelta() {
        try (CommitHasher hasher = new CommitHasher(2)) {
            CommitHasher.Update update = hasher.startUpdate(List.of(), List.of(), slice -> {
                throw new AssertionError("nothing to read");
            });
            assertEquals(0, update.slices());
            int[] delta = update.join();
            assertEquals(LtHashLanes.LANES, delta.length);
            assertTrue(java.util.Arrays.stream(delta).allMatch(v -> v == 0));
        }
    }
}
