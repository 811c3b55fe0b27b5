package dev.keel.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.storage.api.Mutation;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DemoWorkloadTest {
    private static final int CLIENTS = 3;
    private final DemoWorkload workload = new DemoWorkload(42, CLIENTS, 100);

    @Test
    void sameSeedAndBlockGenerateTheSameChanges() {
        List<DemoWorkload.Change> a = workload.changes(7);
        List<DemoWorkload.Change> b = new DemoWorkload(42, CLIENTS, 100).changes(7);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).keyIndex(), b.get(i).keyIndex());
            assertArrayEquals(a.get(i).value(), b.get(i).value());
        }
        assertArrayEquals(DemoWorkload.toPayload(a), DemoWorkload.toPayload(b));
        assertFalse(Arrays.equals(DemoWorkload.toPayload(a), DemoWorkload.toPayload(workload.changes(8))));
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
    void blocksHoldTheirSizeInOperationsWithSomeDeletesAndSomeEmptyValues() {
        int emptyValues = 0;
        int deletes = 0;
        for (long b = 0; b < 200; b++) {
            List<DemoWorkload.Change> changes = workload.changes(b);
            assertEquals(100, changes.size());
            for (DemoWorkload.Change c : changes) {
                assertTrue(c.keyIndex() >= 0 && c.keyIndex() < DemoWorkload.KEY_SPACE);
                if (c.isDelete()) {
                    deletes++;
                } else {
                    int n = c.value().length;
                    assertTrue(n == 0 || (n >= DemoWorkload.MIN_VALUE_BYTES && n <= DemoWorkload.MAX_VALUE_BYTES), "length " + n);
                    emptyValues += n == 0 ? 1 : 0;
                }
            }
        }
        assertTrue(emptyValues > 0, "some puts write the empty value");
        assertTrue(deletes > 0, "some operations delete keys");
    }

    @Test
    void eachClientTouchesOnlyTheKeysItOwns() {
        Set<Integer> touched = new HashSet<>();
        for (long b = 0; b < 300; b++) {
            int client = workload.clientOf(b);
            assertEquals(b % CLIENTS, client);
            for (DemoWorkload.Change c : workload.changes(b)) {
                assertEquals(client, c.keyIndex() % CLIENTS, "block " + b + " touches key " + c.keyIndex());
                touched.add(c.keyIndex());
            }
        }
        assertTrue(touched.contains(DemoWorkload.KEY_SPACE - 1) || touched.contains(DemoWorkload.KEY_SPACE - 2),
                "keys up to the end of the key space are used");
    }

    @Test
    void anyInterleavingThatKeepsEachClientsOrderEndsInTheSameState() {
        int blocks = 90;
        Map<ByteBuffer, ByteBuffer> inOrder = apply(order(blocks, new SplittableRandom(1), false));
        Map<ByteBuffer, ByteBuffer> shuffled = apply(order(blocks, new SplittableRandom(2), true));
        assertEquals(inOrder, shuffled);
        SampledKeys sample = SampledKeys.empty();
        for (long b = 0; b < blocks; b++) {
            sample.apply(workload.changes(b));
        }
        assertEquals(Optional.empty(), sample.firstMismatch(k -> Optional.ofNullable(shuffled.get(ByteBuffer.wrap(k)))
                .map(v -> v.array())));
    }

    @Test
    void payloadIsABlockCommandWithTheChangesInOrder() {
        List<DemoWorkload.Change> changes = workload.changes(3);
        Command.Block block = (Command.Block) CommandCodec.decode(DemoWorkload.toPayload(changes));
        assertEquals(changes.size(), block.mutations().size());
        for (int i = 0; i < changes.size(); i++) {
            Mutation m = block.mutations().get(i);
            assertArrayEquals(DemoWorkload.key(changes.get(i).keyIndex()), m.key());
            assertEquals(changes.get(i).isDelete(), !m.isPut());
            if (m.isPut()) {
                assertArrayEquals(changes.get(i).value(), m.value());
            }
        }
    }

    @Test
    void rejectsCountsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new DemoWorkload(1, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new DemoWorkload(1, 2, 0));
    }

    /** Block numbers in an order that keeps each client's blocks in increasing order. */
    private List<Long> order(int blocks, SplittableRandom random, boolean interleave) {
        List<ArrayDeque<Long>> perClient = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            perClient.add(new ArrayDeque<>());
        }
        for (long b = 0; b < blocks; b++) {
            perClient.get(workload.clientOf(b)).add(b);
        }
        List<Long> order = new ArrayList<>();
        while (order.size() < blocks) {
            int c = interleave ? random.nextInt(CLIENTS) : order.size() % CLIENTS;
            if (!perClient.get(c).isEmpty()) {
                order.add(perClient.get(c).poll());
            }
        }
        return order;
    }

    private Map<ByteBuffer, ByteBuffer> apply(List<Long> order) {
        Map<ByteBuffer, ByteBuffer> state = new HashMap<>();
        for (long b : order) {
            for (DemoWorkload.Change c : workload.changes(b)) {
                ByteBuffer key = ByteBuffer.wrap(DemoWorkload.key(c.keyIndex()));
                if (c.isDelete()) {
                    state.remove(key);
                } else {
                    state.put(key, ByteBuffer.wrap(c.value()));
                }
            }
        }
        return state;
    }
}
