package dev.keel.storage.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.StoreView;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Assertions that compare what a store shows with a {@link ReferenceModel} snapshot. Each failure
 * names the version and the key or range involved.
 */
final class ModelAssertions {
    private ModelAssertions() {
    }

    /** Reads a whole range through a closed-after-use iterator. */
    static List<KeyValue> read(StoreView view, byte[] fromInclusive, byte[] toExclusive) {
        List<KeyValue> out = new ArrayList<>();
        try (KeyValueIterator it = view.scan(fromInclusive, toExclusive)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    static List<KeyValue> readAll(StoreView view) {
        return read(view, null, null);
    }

    static void assertValue(Optional<byte[]> expected, Optional<byte[]> actual, Supplier<String> context) {
        if (expected.isEmpty()) {
            assertTrue(actual.isEmpty(), () -> context.get() + ": expected absent, got " + actual.map(ModelAssertions::hex).orElse(""));
        } else {
            assertTrue(actual.isPresent(), () -> context.get() + ": expected " + hex(expected.get()) + ", got absent");
            assertArrayEquals(expected.get(), actual.get(), context);
        }
    }

    /**
     * Asserts that {@code view} shows exactly {@code expected}: version, metadata, commitment (when
     * given), the full ordered scan, and a point read of every key in the history key table and
     * in the snapshot.
     */
    static void assertShows(ReferenceModel.Snapshot expected, Commitment expectedCommitment, StoreView view,
                            Supplier<String> context) {
        long v = expected.version();
        assertEquals(v, view.version(), () -> context.get() + ": view version");
        assertEquals(expected.metadata(), view.metadata(), () -> context.get() + ": metadata of version " + v);
        if (expectedCommitment != null) {
            assertEquals(expectedCommitment, view.commitment(), () -> context.get() + ": commitment of version " + v);
        }
        assertEquals(expected.entries(), readAll(view), () -> context.get() + ": full scan of version " + v);
        for (int i = 0; i < History.keyCount(); i++) {
            byte[] key = History.key(i);
            assertValue(expected.get(key), view.get(key), () -> context.get() + ": get " + hex(key) + " at version " + v);
        }
        for (KeyValue kv : expected.entries()) {
            assertValue(Optional.of(kv.value()), view.get(kv.key()),
                    () -> context.get() + ": get " + hex(kv.key()) + " at version " + v);
        }
    }

    static void assertRange(ReferenceModel.Snapshot expected, StoreView view, byte[] from, byte[] to,
                            Supplier<String> context) {
        assertEquals(expected.scan(from, to), read(view, from, to), () -> context.get() + ": scan ["
                + (from == null ? "start" : hex(from)) + ", " + (to == null ? "end" : hex(to)) + ") at version "
                + expected.version());
    }

    static String hex(byte[] bytes) {
        return bytes.length > 32
                ? HexFormat.of().formatHex(bytes, 0, 32) + "…(" + bytes.length + " bytes)"
                : "[" + HexFormat.of().formatHex(bytes) + "]";
    }
}
