package dev.keel.storage.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ICS23 proofs: cosmos/ics23's IAVL vectors, forgeries, and proofs of Keel's own trees. */
class Ics23Test {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path tempDir;

    record Vector(byte[] key, byte[] value, byte[] proof, byte[] root) {
        /** @return the value to verify, null for a non-existence vector (empty value in the file) */
        byte[] expectedValue() {
            return value.length == 0 ? null : value;
        }
    }

    static Vector load(String name) throws IOException {
        try (InputStream in = Ics23Test.class.getResourceAsStream("/vectors/ics23/" + name + ".json")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Vector(field(json, "key"), field(json, "value"), field(json, "proof"), field(json, "root"));
        }
    }

    private static byte[] field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([0-9a-fA-F]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no field " + name);
        }
        return HEX.parseHex(m.group(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ics23_iavl_exist_left", "ics23_iavl_exist_middle", "ics23_iavl_exist_right",
            "ics23_iavl_nonexist_left", "ics23_iavl_nonexist_middle", "ics23_iavl_nonexist_right"})
    void upstreamVectorVerifiesAndReEncodesToTheSameBytes(String name) throws IOException {
        Vector v = load(name);
        assertTrue(Ics23.verify(v.proof(), v.root(), v.key(), v.expectedValue()), name);
        assertArrayEquals(v.proof(), ProofCodec.encode(ProofCodec.decode(v.proof())), "canonical encoding");
        Ics23.KeyValueOrAbsent about = Ics23.decode(v.proof());
        assertArrayEquals(v.key(), about.key());
        if (v.expectedValue() == null) {
            assertNull(about.value());
        } else {
            assertArrayEquals(v.value(), about.value());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ics23_iavl_exist_middle", "ics23_iavl_nonexist_middle", "ics23_iavl_nonexist_left"})
    void everySingleBitFlipOrTruncationOfAVectorFailsVerification(String name) throws IOException {
        Vector v = load(name);
        for (int bit = 0; bit < v.proof().length * 8; bit++) {
            byte[] forged = v.proof().clone();
            forged[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(Ics23.verify(forged, v.root(), v.key(), v.expectedValue()), name + ": bit " + bit);
        }
        for (int len = 0; len < v.proof().length; len++) {
            assertFalse(Ics23.verify(Arrays.copyOf(v.proof(), len), v.root(), v.key(), v.expectedValue()),
                    name + ": truncated to " + len);
        }
    }

    @Test
    void mismatchedRootKeyValueOrKindFailsVerification() throws IOException {
        Vector exist = load("ics23_iavl_exist_middle");
        byte[] otherRoot = exist.root().clone();
        otherRoot[0] ^= 1;
        assertFalse(Ics23.verify(exist.proof(), otherRoot, exist.key(), exist.value()));
        assertFalse(Ics23.verify(exist.proof(), exist.root(), Arrays.copyOf(exist.key(), 3), exist.value()));
        assertFalse(Ics23.verify(exist.proof(), exist.root(), exist.key(), new byte[] {1}));
        assertFalse(Ics23.verify(exist.proof(), exist.root(), exist.key(), null), "an existence proof is no absence proof");
        Vector absent = load("ics23_iavl_nonexist_middle");
        assertFalse(Ics23.verify(absent.proof(), absent.root(), absent.key(), new byte[0]), "an absence proof is no value proof");
        assertFalse(Ics23.verify(absent.proof(), absent.root(), new byte[] {0x7f}, null), "proof about another key");
    }

    @Test
    void malformedBytesAreATypedErrorNamingTheOffset() {
        MalformedProofException e = assertThrows(MalformedProofException.class,
                () -> Ics23.decode(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f}));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
        assertThrows(MalformedProofException.class, () -> Ics23.decode(new byte[0]));
        assertThrows(MalformedProofException.class, () -> Ics23.decode(new byte[] {0x1a, 0x00}), "batch proofs");
        assertThrows(MalformedProofException.class, () -> Ics23.decode(new byte[] {0x0a, 0x00}), "no leaf");
        assertThrows(MalformedProofException.class, () -> Ics23.decode(new byte[] {0x0b}), "group wire type");
    }

    @Test
    void proofsOfAKeelTreeVerifyForPresentAndAbsentKeysAndNothingElse() {
        long seed = new Random().nextLong();
        System.out.println("proofsOfAKeelTreeVerifyForPresentAndAbsentKeysAndNothingElse: seed " + seed);
        Random rnd = new Random(seed);
        TreeMap<Integer, byte[]> model = new TreeMap<>();
        try (VersionedStore store = Stores.open("tree", tempDir.resolve("s"), StoreOptions.defaults().withSync(false))) {
            for (int v = 0; v < 5; v++) {
                ChangeSet.Builder cs = ChangeSet.builder();
                for (int i = 0; i < 40; i++) {
                    int k = 10 + rnd.nextInt(200);
                    if (rnd.nextInt(4) == 0) {
                        cs.delete(key(k));
                        model.remove(k);
                    } else {
                        byte[] value = new byte[rnd.nextInt(3)];
                        rnd.nextBytes(value);
                        cs.put(key(k), value);
                        model.put(k, value);
                    }
                }
                store.commit(cs.build(), CommitMetadata.EMPTY);
            }
            try (StoreView view = store.latestView()) {
                byte[] root = view.commitment().bytes();
                for (int k = 0; k < 230; k++) {
                    byte[] proof = Ics23.prove(view, key(k));
                    byte[] value = model.get(k);
                    assertTrue(Ics23.verify(proof, root, key(k), value), "seed " + seed + " key " + k);
                    if (value != null) {
                        assertFalse(Ics23.verify(proof, root, key(k), null), "seed " + seed + " key " + k);
                        byte[] other = Arrays.copyOf(value, value.length + 1);
                        assertFalse(Ics23.verify(proof, root, key(k), other), "seed " + seed + " key " + k);
                    } else {
                        assertFalse(Ics23.verify(proof, root, key(k), new byte[0]), "seed " + seed + " key " + k);
                        assertFalse(Ics23.verify(proof, root, key(k + 1000), null), "seed " + seed + " key " + k);
                    }
                }
            }
        }
    }

    @Test
    void proofOfAnotherBackendsViewOrTheEmptyTreeIsRefused() {
        try (VersionedStore store = Stores.open("tree", tempDir.resolve("s"), StoreOptions.defaults());
             StoreView empty = store.latestView()) {
            assertThrows(IllegalStateException.class, () -> Ics23.prove(empty, key(1)));
        }
        StoreView foreign = (StoreView) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StoreView.class}, (proxy, method, args) -> null);
        assertThrows(IllegalArgumentException.class, () -> Ics23.prove(foreign, key(1)));
    }

    private static byte[] key(int k) {
        return ("key-" + String.format("%04d", k)).getBytes(StandardCharsets.UTF_8);
    }
}
