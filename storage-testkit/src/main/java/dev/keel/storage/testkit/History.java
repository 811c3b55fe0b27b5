package dev.keel.storage.testkit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Membership;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A store operation history over a small key space: what the property tests feed to two stores
 * and to the {@link ReferenceModel}. Decoded from fuzz input ({@link #decode}) or drawn from a
 * seeded {@link Random} ({@link #random}); both go through one generator, so a fuzz finding and a
 * seeded failure describe the same kind of history.
 *
 * <p>Keys and values are indices into fixed tables ({@link #key}, {@link #value}); the key space
 * holds unsigned-order edge cases (0x00, 0x7f, 0x80, 0xff, keys that are prefixes of others) and
 * the values include the empty value. Rollback and prune targets are picks resolved against the
 * model when the step runs, so that most name a retained version and some name one that is not.
 *
 * <p>Immutable and thread-safe.
 *
 * @param initialVersion the stores' initial version
 * @param retainedVersions the stores' retained window
 * @param steps the operations, in order
 */
public record History(long initialVersion, int retainedVersions, List<Step> steps) {
    /** Most steps a fuzz input decodes to, bounding the cost of one execution. */
    public static final int MAX_FUZZ_STEPS = 200;

    private static final long[] INITIAL_VERSIONS = {1, 2, 1000};
    private static final int MAX_WINDOW = 5;
    private static final byte[][] KEYS = {
        {0x00}, {0x00, 0x00}, {0x01}, {0x7f}, {(byte) 0x80}, {(byte) 0xff}, {(byte) 0xff, (byte) 0xff},
        "k".getBytes(StandardCharsets.US_ASCII),
    };
    private static final int VALUES = 16;
    /** Number of distinct rollback/prune picks; see {@link HistoryChecker} for how they resolve. */
    static final int TARGET_PICKS = 8;

    /**
     * @throws NullPointerException if {@code steps} is null
     * @throws IllegalArgumentException if a number is out of range
     */
    public History {
        if (initialVersion < 1 || retainedVersions < 1) {
            throw new IllegalArgumentException("initial version and window must be >= 1");
        }
        steps = List.copyOf(steps);
    }

    /** One operation of a history. */
    public sealed interface Step permits Put, Delete, Commit, Rollback, Prune, Reopen, PinView {
    }

    /**
     * Adds a put to the pending change set.
     *
     * @param key index into the key table
     * @param value index into the value table
     */
    public record Put(int key, int value) implements Step {
    }

    /**
     * Adds a delete to the pending change set.
     *
     * @param key index into the key table
     */
    public record Delete(int key) implements Step {
    }

    /** Commits the pending change set (possibly empty) with metadata derived from the commit count. */
    public record Commit() implements Step {
    }

    /**
     * Rolls back to a version picked when the step runs.
     *
     * @param pick 0..{@value #TARGET_PICKS}-1
     */
    public record Rollback(int pick) implements Step {
    }

    /**
     * Prunes before a version picked when the step runs.
     *
     * @param pick 0..{@value #TARGET_PICKS}-1
     */
    public record Prune(int pick) implements Step {
    }

    /** Closes both stores and opens them again from their directories. */
    public record Reopen() implements Step {
    }

    /** Opens a view of the latest version and keeps checking it while later steps run. */
    public record PinView() implements Step {
    }

    /**
     * Decodes fuzz input into a history of at most {@link #MAX_FUZZ_STEPS} steps. Every input
     * decodes (the empty input is an empty history).
     *
     * @param data the fuzz input
     * @return the history
     */
    public static History decode(FuzzedDataProvider data) {
        Objects.requireNonNull(data, "data");
        return generate(new Choices() {
            @Override
            public int choose(int bound) {
                return data.consumeInt(0, bound - 1);
            }

            @Override
            public boolean more() {
                return data.remainingBytes() > 0;
            }
        }, MAX_FUZZ_STEPS);
    }

    /**
     * Draws a history from a seeded generator: the same seed gives the same history.
     *
     * @param random the generator
     * @param steps the number of steps
     * @return the history
     */
    public static History random(Random random, int steps) {
        Objects.requireNonNull(random, "random");
        return generate(new Choices() {
            @Override
            public int choose(int bound) {
                return random.nextInt(bound);
            }

            @Override
            public boolean more() {
                return true;
            }
        }, steps);
    }

    /** @return the number of keys in the key table */
    public static int keyCount() {
        return KEYS.length;
    }

    /**
     * @param index 0..{@link #keyCount()}-1
     * @return a copy of that key
     */
    public static byte[] key(int index) {
        return KEYS[index].clone();
    }

    /**
     * @param index 0..15
     * @return the value with that index: index 0 is the empty value, others are 1..4 bytes
     *     mixing 0x00, 0xff and the index itself
     */
    public static byte[] value(int index) {
        if (index < 0 || index >= VALUES) {
            throw new IllegalArgumentException("value index out of range: " + index);
        }
        byte[] v = new byte[index % 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) (i % 2 == 0 ? index : 0xff - index);
        }
        return v;
    }

    /**
     * The metadata a history's {@code n}-th commit carries: every field varies with {@code n}, so
     * a store that returns another version's metadata is caught.
     *
     * @param n the commit's ordinal in the history
     * @return the metadata
     */
    public static CommitMetadata commitMetadata(long n) {
        Membership membership = n % 3 == 0 ? Membership.NONE
                : new Membership(List.of("node-" + n % 7), List.of("learner-" + n % 5));
        return new CommitMetadata(n + 1, 1 + n / 4, n * 1000, n % 2 == 0 ? CommitMetadata.NO_CUTOVER : n,
                (int) (n % 4), membership, new byte[] {(byte) n, (byte) (n >>> 8)});
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("History[initialVersion=").append(initialVersion)
                .append(", retainedVersions=").append(retainedVersions).append(", steps=");
        for (int i = 0; i < steps.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(i).append(':').append(steps.get(i));
        }
        return sb.append(']').toString();
    }

    /** Where a history's decisions come from. */
    private interface Choices {
        int choose(int bound);

        boolean more();
    }

    private static History generate(Choices c, int maxSteps) {
        long initial = INITIAL_VERSIONS[c.choose(INITIAL_VERSIONS.length)];
        int window = 1 + c.choose(MAX_WINDOW);
        List<Step> steps = new ArrayList<>();
        while (steps.size() < maxSteps && c.more()) {
            int roll = c.choose(100);
            Step step;
            if (roll < 34) {
                step = new Put(c.choose(KEYS.length), c.choose(VALUES));
            } else if (roll < 50) {
                step = new Delete(c.choose(KEYS.length));
            } else if (roll < 76) {
                step = new Commit();
            } else if (roll < 84) {
                step = new Rollback(c.choose(TARGET_PICKS));
            } else if (roll < 91) {
                step = new Prune(c.choose(TARGET_PICKS));
            } else if (roll < 95) {
                step = new Reopen();
            } else {
                step = new PinView();
            }
            steps.add(step);
        }
        return new History(initial, window, steps);
    }
}
