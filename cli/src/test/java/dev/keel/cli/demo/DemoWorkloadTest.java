package dev.keel.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoWorkloadTest {
    private final DemoWorkload workload = new DemoWorkload(42);

    @Test
    void sameSeedAndVersionGenerateTheSameChanges() {
        List<DemoWorkload.Change> a = workload.changes(7);
        List<DemoWorkload.Change> b = new DemoWorkload(42).changes(7);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).keyIndex(), b.get(i).keyIndex());
            assertArrayEquals(a.get(i).value(), b.get(i).value());
        }
        assertEquals(DemoWorkload.toChangeSet(a), DemoWorkload.toChangeSet(b));
        assertNotEquals(DemoWorkload.toChangeSet(a), DemoWorkload.toChangeSet(workload.changes(8)));
    }

    @Test
    void keysAreDistinctAndThirtyTwoBytes() {
        Set<ByteBuffer> keys = new HashSet<>();
        for (int i = 0; i < DemoWorkload.KEY_SPACE; i++) {
            byte[] key = DemoWorkload.key(i);
            assertEquals(DemoWorkload.KEY_BYTES, key.length);
            keys.add(ByteBuffer.wrap(key));
        }
        assertEquals(DemoWorkload.KEY_SPACE, keys.size());
    }

    @Test
    void versionsHoldAHundredPutsAFewDeletesAndSomeEmptyValues() {
        int emptyValues = 0;
        int deletes = 0;
        for (long v = 1; v <= 200; v++) {
            List<DemoWorkload.Change> changes = workload.changes(v);
            long puts = changes.stream().filter(c -> !c.isDelete()).count();
            assertEquals(DemoWorkload.PUTS_PER_VERSION, puts);
            assertTrue(changes.size() - puts <= DemoWorkload.MAX_DELETES_PER_VERSION);
            deletes += (int) (changes.size() - puts);
            for (DemoWorkload.Change c : changes) {
                assertTrue(c.keyIndex() >= 0 && c.keyIndex() < DemoWorkload.KEY_SPACE);
                if (!c.isDelete()) {
                    int n = c.value().length;
                    assertTrue(n == 0 || (n >= DemoWorkload.MIN_VALUE_BYTES && n <= DemoWorkload.MAX_VALUE_BYTES), "length " + n);
                    emptyValues += n == 0 ? 1 : 0;
                }
            }
        }
        assertTrue(emptyValues > 0, "some puts write the empty value");
        assertTrue(deletes > 0, "some versions delete keys");
    }
}
