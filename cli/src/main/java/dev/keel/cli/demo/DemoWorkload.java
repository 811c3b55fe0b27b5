package dev.keel.cli.demo;

import dev.keel.storage.api.ChangeSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's generated history: for each version, about a hundred puts and a few deletes over a
 * fixed space of 32-byte keys, values of 16 to 256 bytes and now and then an empty one.
 *
 * <p>A pure function of (seed, version), so a run that continues an existing store generates the
 * same kind of changes for its new versions without remembering anything. Immutable and
 * thread-safe.
 */
final class DemoWorkload {
    /** Number of distinct keys. */
    static final int KEY_SPACE = 20_000;
    static final int KEY_BYTES = 32;
    static final int PUTS_PER_VERSION = 100;
    static final int MAX_DELETES_PER_VERSION = 5;
    static final int MIN_VALUE_BYTES = 16;
    static final int MAX_VALUE_BYTES = 256;
    /** One put in this many writes the empty value (a value, distinct from absence). */
    static final int EMPTY_VALUE_ONE_IN = 50;

    private static final long KEY_SALT = 0x6b65656c2d6b6579L;

    private final long seed;

    DemoWorkload(long seed) {
        this.seed = seed;
    }

    /**
     * One operation of a version.
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
     * @param version the version the changes are for
     * @return its operations, in order (a key deleted after being put in the same version ends absent)
     */
    List<Change> changes(long version) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + version);
        int deletes = random.nextInt(MAX_DELETES_PER_VERSION + 1);
        List<Change> changes = new ArrayList<>(PUTS_PER_VERSION + deletes);
        for (int i = 0; i < PUTS_PER_VERSION; i++) {
            byte[] value;
            if (random.nextInt(EMPTY_VALUE_ONE_IN) == 0) {
                value = new byte[0];
            } else {
                value = new byte[random.nextInt(MIN_VALUE_BYTES, MAX_VALUE_BYTES + 1)];
                random.nextBytes(value);
            }
            changes.add(new Change(random.nextInt(KEY_SPACE), value));
        }
        for (int i = 0; i < deletes; i++) {
            changes.add(new Change(random.nextInt(KEY_SPACE), null));
        }
        return changes;
    }

    /**
     * @param changes operations from {@link #changes(long)}
     * @return them as a change set
     */
    static ChangeSet toChangeSet(List<Change> changes) {
        ChangeSet.Builder b = ChangeSet.builder();
        for (Change c : changes) {
            if (c.isDelete()) {
                b.delete(key(c.keyIndex()));
            } else {
                b.put(key(c.keyIndex()), c.value());
            }
        }
        return b.build();
    }
}
