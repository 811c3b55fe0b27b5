package dev.keel.cli.demo;

import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.storage.api.Mutation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's generated blocks: each a list of puts and a few deletes over a fixed space of 32-byte
 * keys, values of 16 to 256 bytes and now and then an empty one.
 *
 * <p>Block {@code b} belongs to client {@code b % clients}, and a client only touches the keys it
 * owns (key index {@code i} belongs to client {@code i % clients}). The engine may interleave and
 * merge the clients' proposals in any order, but each client's blocks apply in the order it
 * proposed them, so the logical state after every block is applied does not depend on that order:
 * both backends, and a restart by skip or by restore, must reach exactly the same keys and values.
 *
 * <p>A pure function of (seed, clients, block size, block number). Immutable and thread-safe.
 */
final class DemoWorkload {
    /** Number of distinct keys. */
    static final int KEY_SPACE = 20_000;
    static final int KEY_BYTES = 32;
    static final int MIN_VALUE_BYTES = 16;
    static final int MAX_VALUE_BYTES = 256;
    /** One put in this many writes the empty value (a value, distinct from absence). */
    static final int EMPTY_VALUE_ONE_IN = 50;
    /** One operation in this many is a delete. */
    static final int DELETE_ONE_IN = 20;

    private static final long KEY_SALT = 0x6b65656c2d6b6579L;

    private final long seed;
    private final int clients;
    private final int blockSize;

    /**
     * @param seed the seed every block derives from
     * @param clients how many clients share the key space, 1..{@value #KEY_SPACE}
     * @param blockSize operations per block, at least 1
     * @throws IllegalArgumentException if a count is out of range
     */
    DemoWorkload(long seed, int clients, int blockSize) {
        if (clients < 1 || clients > KEY_SPACE) {
            throw new IllegalArgumentException("clients must be 1.." + KEY_SPACE + ": " + clients);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1: " + blockSize);
        }
        this.seed = seed;
        this.clients = clients;
        this.blockSize = blockSize;
    }

    /** @return how many clients share the key space */
    int clients() {
        return clients;
    }

    /** @return operations per block */
    int blockSize() {
        return blockSize;
    }

    /**
     * One operation of a block.
     *
     * @param keyIndex the key, as an index into the key space
     * @param value the value put, or {@code null} for a delete
     */
    record Change(int keyIndex, byte[] value) {
        boolean isDelete() {
            return value == null;
        }
    }

    /**
     * @param index a key index in {@code [0, KEY_SPACE)}
     * @return its key: 28 pseudo-random bytes (spreading keys over the key order) and the index
     *     (making keys distinct)
     */
    static byte[] key(int index) {
        byte[] key = new byte[KEY_BYTES];
        new SplittableRandom(KEY_SALT + index).nextBytes(key);
        key[KEY_BYTES - 4] = (byte) (index >>> 24);
        key[KEY_BYTES - 3] = (byte) (index >>> 16);
        key[KEY_BYTES - 2] = (byte) (index >>> 8);
        key[KEY_BYTES - 1] = (byte) index;
        return key;
    }

    /**
     * @param block a block number, at least 0
     * @return the client that proposes it
     */
    int clientOf(long block) {
        return (int) (block % clients);
    }

    /**
     * @param block a block number, at least 0
     * @return its operations, in order, all on keys owned by {@link #clientOf(long) its client} (a
     *     key deleted after being put in the same block ends absent)
     */
    List<Change> changes(long block) {
        int client = clientOf(block);
        int owned = (KEY_SPACE - client + clients - 1) / clients;
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + block);
        List<Change> changes = new ArrayList<>(blockSize);
        for (int i = 0; i < blockSize; i++) {
            int keyIndex = random.nextInt(owned) * clients + client;
            if (random.nextInt(DELETE_ONE_IN) == 0) {
                changes.add(new Change(keyIndex, null));
                continue;
            }
            byte[] value;
            if (random.nextInt(EMPTY_VALUE_ONE_IN) == 0) {
                value = new byte[0];
            } else {
                value = new byte[random.nextInt(MIN_VALUE_BYTES, MAX_VALUE_BYTES + 1)];
                random.nextBytes(value);
            }
            changes.add(new Change(keyIndex, value));
        }
        return changes;
    }

    /**
     * @param changes operations from {@link #changes(long)}
     * @return them as the payload of a block entry for a {@code StoreStateMachine}
     */
    static byte[] toPayload(List<Change> changes) {
        List<Mutation> mutations = new ArrayList<>(changes.size());
        for (Change c : changes) {
            mutations.add(c.isDelete() ? Mutation.delete(key(c.keyIndex())) : Mutation.put(key(c.keyIndex()), c.value()));
        }
        return CommandCodec.encode(new Command.Block(mutations));
    }
}
