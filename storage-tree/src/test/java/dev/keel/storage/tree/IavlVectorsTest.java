package dev.keel.storage.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Replays the shared IAVL vectors through {@code Stores.open("tree", ...)} and compares every root. */
class IavlVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path tempDir;

    @ParameterizedTest
    @ValueSource(strings = {"iavl-refhashes", "iavl-alphabet"})
    void everyCommittedRootMatchesTheVector(String name) throws Exception {
        List<String> actual = replay(name, tempDir.resolve(name));
        assertEquals(read(name + ".expected"), actual);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iavl-refhashes", "iavl-alphabet"})
    void rootsSurviveAReopenAfterEveryCommit(String name) throws Exception {
        List<String> expected = read(name + ".expected");
        Path dir = tempDir.resolve(name);
        List<String> actual = new ArrayList<>();
        StoreOptions opts = StoreOptions.defaults().withSync(false);
        ChangeSet.Builder pending = ChangeSet.builder();
        for (String line : read(name + ".ops")) {
            if (line.equals("commit")) {
                try (VersionedStore store = Stores.open("tree", dir, opts)) {
                    CommitInfo info = store.commit(pending.build(), CommitMetadata.EMPTY);
                    actual.add("version " + info.version() + " " + info.commitment().hex());
                }
                try (VersionedStore store = Stores.open("tree", dir, opts)) {
                    assertEquals(actual.get(actual.size() - 1),
                            "version " + store.latestVersion() + " " + store.commitment().hex(), "after reopen");
                }
                pending = ChangeSet.builder();
            } else {
                addOp(pending, line);
            }
        }
        assertEquals(expected, actual);
    }

    @Test
    void emptyTreeRootIsSha256OfNothing() throws Exception {
        try (VersionedStore store = Stores.open("tree", tempDir.resolve("s"), StoreOptions.defaults())) {
            assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", store.commitment().hex());
        }
    }

    /** The first version n is hashed with n (cosmos/iavl's initial version; memIAVL uses 1). */
    @Test
    void firstVersionOfAStoreWithAnInitialVersionHashesItsNodesWithThatVersion() throws Exception {
        byte[] key = {0x61};
        byte[] value = {0x31};
        try (VersionedStore store = Stores.open("tree", tempDir.resolve("s"), StoreOptions.defaults().withInitialVersion(7))) {
            CommitInfo info = store.commit(ChangeSet.builder().put(key, value).build(), CommitMetadata.EMPTY);
            assertEquals(7, info.version());
            assertEquals(HEX.formatHex(independentLeafHash(7, key, value)), info.commitment().hex());
            assertFalse(info.commitment().hex().equals(HEX.formatHex(independentLeafHash(1, key, value))));
        }
    }

    /** A one-leaf tree's root, written out byte by byte from the rule in vectors/README.md. */
    private static byte[] independentLeafHash(long version, byte[] key, byte[] value) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] valueHash = MessageDigest.getInstance("SHA-256").digest(value);
        sha.update(new byte[] {0x00, 0x02, (byte) (version * 2)}); // zz(0) zz(1) zz(version), small numbers
        sha.update((byte) key.length);
        sha.update(key);
        sha.update((byte) 0x20);
        sha.update(valueHash);
        return sha.digest();
    }

    static List<String> replay(String name, Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (VersionedStore store = Stores.open("tree", dir, StoreOptions.defaults().withSync(false))) {
            ChangeSet.Builder pending = ChangeSet.builder();
            for (String line : read(name + ".ops")) {
                if (line.equals("commit")) {
                    CommitInfo info = store.commit(pending.build(), CommitMetadata.EMPTY);
                    out.add("version " + info.version() + " " + info.commitment().hex());
                    pending = ChangeSet.builder();
                } else {
                    addOp(pending, line);
                }
            }
        }
        return out;
    }

    private static void addOp(ChangeSet.Builder pending, String line) {
        String[] parts = line.split(" ");
        switch (parts[0]) {
            case "set" -> pending.put(HEX.parseHex(parts[1]), HEX.parseHex(parts[2]));
            case "remove" -> pending.delete(HEX.parseHex(parts[1]));
            default -> throw new IllegalArgumentException("unknown operation: " + line);
        }
    }

    /** The lines of a vector file, without blank lines and comments. */
    static List<String> read(String resource) throws IOException {
        try (InputStream in = IavlVectorsTest.class.getResourceAsStream("/vectors/" + resource)) {
            if (in == null) {
                throw new IOException("missing test resource /vectors/" + resource);
            }
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    lines.add(t);
                }
            }
            return lines;
        }
    }
}
