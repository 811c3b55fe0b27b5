package dev.keel.storage.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The ICS23 proof decoder and verifier ({@code keel proof verify}) against arbitrary bytes. Decoding
 * gives a claim or a {@link MalformedProofException} with an offset inside the input; a decoded
 * proof re-encodes canonically (a fixed point after one round) to a proof with the same claim and the
 * same verdict. {@link Ics23#verify} never throws, is false for bytes that do not decode, and is
 * sound: against the root of a known tree it is true only for a claim the tree holds (the key's
 * value, or the key's absence). The committed corpus replays in every build; {@code JAZZER_FUZZ=1}
 * fuzzes for real ({@code ./fuzz}).
 */
class Ics23ProofFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());
    private static final String TARGET = "proofDecoderAndVerifierRejectArbitraryBytes";
    private static final HexFormat HEX = HexFormat.of();

    /** The known tree: key → value, hex-keyed so it can be looked up by content. */
    private static final Map<String, byte[]> MODEL = new TreeMap<>();
    private static final byte[] ROOT;
    /** Valid proofs of the known tree (present keys, absent keys between, below and above them). */
    private static final Map<String, byte[]> PROOFS = new LinkedHashMap<>();
    private static final List<byte[]> UPSTREAM_ROOTS = new ArrayList<>();

    static {
        try {
            Path dir = Files.createTempDirectory("ics23-fuzz");
            try (VersionedStore store = Stores.open("tree", dir.resolve("s"), StoreOptions.defaults().withSync(false))) {
                // Two versions, so leaves and inner nodes carry different version numbers.
                for (int v = 0; v < 2; v++) {
                    ChangeSet.Builder cs = ChangeSet.builder();
                    for (int i = v; i < 24; i += 2) {
                        byte[] value = new byte[i % 5];
                        Arrays.fill(value, (byte) i);
                        cs.put(key(10 + 3 * i), value);
                        MODEL.put(HEX.formatHex(key(10 + 3 * i)), value);
                    }
                    store.commit(cs.build(), CommitMetadata.EMPTY);
                }
                try (StoreView view = store.latestView()) {
                    ROOT = view.commitment().bytes();
                    PROOFS.put("keel-exist-first", Ics23.prove(view, key(10)));
                    PROOFS.put("keel-exist-middle", Ics23.prove(view, key(10 + 3 * 11)));
                    PROOFS.put("keel-exist-empty-value", Ics23.prove(view, key(10 + 3 * 15)));
                    PROOFS.put("keel-exist-last", Ics23.prove(view, key(10 + 3 * 23)));
                    PROOFS.put("keel-nonexist-below", Ics23.prove(view, key(1)));
                    PROOFS.put("keel-nonexist-middle", Ics23.prove(view, key(10 + 3 * 11 + 1)));
                    PROOFS.put("keel-nonexist-above", Ics23.prove(view, key(9_000)));
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            for (String name : List.of("exist_left", "exist_middle", "exist_right", "nonexist_left", "nonexist_middle",
                    "nonexist_right")) {
                Ics23Test.Vector vector = Ics23Test.load("ics23_iavl_" + name);
                UPSTREAM_ROOTS.add(vector.root());
                PROOFS.put("upstream-" + name.replace('_', '-'), vector.proof());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void proofDecoderAndVerifierRejectArbitraryBytes(byte[] input) {
        check(input);
    }

    @Test
    void proofDecoderAndVerifierRejectRandomAndMutatedProofs() {
        System.out.println("Ics23ProofFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        List<byte[]> valid = new ArrayList<>(PROOFS.values());
        int verified = 0;
        int malformed = 0;
        for (int i = 0; i < 3_000; i++) {
            byte[] proof = valid.get(random.nextInt(valid.size()));
            byte[] bytes = i % 10 == 0 ? proof : mutate(random, proof, valid.get(random.nextInt(valid.size())));
            Outcome outcome = check(bytes);
            if (outcome == Outcome.MALFORMED) {
                malformed++;
            } else if (outcome == Outcome.VERIFIED) {
                verified++;
            }
        }
        System.out.println("Ics23ProofFuzzTest: " + verified + " verified against the known root, " + malformed + " malformed");
        assertTrue(verified >= 300 / valid.size(), "seed " + SEED + ": the intact Keel proofs must verify");
        assertTrue(malformed > 0, "seed " + SEED + ": no mutation was malformed");
    }

    @Test
    void keelProofsVerifyAgainstTheKnownRoot() {
        for (Map.Entry<String, byte[]> proof : PROOFS.entrySet()) {
            Outcome outcome = check(proof.getValue());
            assertEquals(proof.getKey().startsWith("keel-") ? Outcome.VERIFIED : Outcome.WELL_FORMED, outcome, proof.getKey());
        }
    }

    @Test
    void committedSeedsHaveTheirIntendedOutcome() throws IOException {
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Outcome outcome = check(seed.getValue());
            if (seed.getKey().startsWith("keel-")) {
                assertEquals(Outcome.VERIFIED, outcome, seed.getKey());
            } else if (seed.getKey().startsWith("upstream-")) {
                assertEquals(Outcome.WELL_FORMED, outcome, seed.getKey());
            } else {
                assertEquals(Outcome.MALFORMED, outcome, seed.getKey());
            }
        }
        writeSeedsIfAsked(seeds());
    }

    enum Outcome { MALFORMED, WELL_FORMED, VERIFIED }

    static Outcome check(byte[] input) {
        Ics23.KeyValueOrAbsent claim;
        try {
            claim = Ics23.decode(input);
        } catch (MalformedProofException rejected) {
            if (rejected.offset() < 0 || rejected.offset() > input.length) {
                throw new AssertionError("offset " + rejected.offset() + " outside the " + input.length + "-byte proof", rejected);
            }
            byte[] someKey = key(10);
            assertFalse(Ics23.verify(input, ROOT, someKey, MODEL.get(HEX.formatHex(someKey))), "malformed bytes verified");
            assertFalse(Ics23.verify(input, ROOT, key(11), null), "malformed bytes verified");
            return Outcome.MALFORMED;
        }
        ProofCodec.CommitmentProof decoded = ProofCodec.decode(input.clone());
        byte[] canonical = ProofCodec.encode(decoded);
        assertArrayEquals(canonical, ProofCodec.encode(ProofCodec.decode(canonical)), "canonical encoding is a fixed point");
        assertEquals(claim, Ics23.decode(canonical), "re-encoding keeps the claim");

        boolean verified = Ics23.verify(input, ROOT, claim.key(), claim.value());
        assertEquals(verified, Ics23.verify(canonical, ROOT, claim.key(), claim.value()), "re-encoding keeps the verdict");
        if (verified) {
            String key = HEX.formatHex(claim.key());
            byte[] held = MODEL.get(key);
            if (claim.value() == null ? held != null : !Arrays.equals(held, claim.value())) {
                throw new AssertionError("unsound: proof verified that key " + key + " has "
                        + (claim.value() == null ? "no value" : HEX.formatHex(claim.value())) + " but the tree holds "
                        + (held == null ? "nothing" : HEX.formatHex(held)) + "; proof " + HEX.formatHex(input));
            }
        }
        // The other branch of the verifier, and roots of other trees: a verdict, never an exception.
        Ics23.verify(input, ROOT, claim.key(), claim.value() == null ? new byte[0] : null);
        for (byte[] root : UPSTREAM_ROOTS) {
            Ics23.verify(input, root, claim.key(), claim.value());
        }
        return verified ? Outcome.VERIFIED : Outcome.WELL_FORMED;
    }

    private static byte[] mutate(SplittableRandom random, byte[] proof, byte[] other) {
        byte[] bytes = proof.clone();
        switch (random.nextInt(7)) {
            case 0 -> {
                for (int f = 1 + random.nextInt(3); f > 0; f--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 2 -> {
                // Splice: a prefix of one proof and a suffix of another.
                int cut = random.nextInt(bytes.length);
                int from = random.nextInt(other.length);
                bytes = ByteBuffer.allocate(cut + other.length - from).put(proof, 0, cut).put(other, from, other.length - from).array();
            }
            case 3 -> {
                // Appended fields: unknown ones are skipped, a repeated oneof member wins.
                byte[] tail = random.nextBoolean() ? other : new byte[] {(byte) (random.nextInt(1, 32) << 3), (byte) random.nextInt(128)};
                bytes = ByteBuffer.allocate(bytes.length + tail.length).put(proof).put(tail).array();
            }
            case 4 -> {
                // A crafted varint length at a random offset.
                int at = random.nextInt(bytes.length);
                byte[] varint = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x07};
                bytes = ByteBuffer.allocate(bytes.length + varint.length).put(proof, 0, at).put(varint)
                        .put(proof, at, proof.length - at).array();
            }
            case 5 -> {
                // One byte removed or duplicated.
                int at = random.nextInt(bytes.length);
                bytes = random.nextBoolean()
                        ? ByteBuffer.allocate(bytes.length - 1).put(proof, 0, at).put(proof, at + 1, proof.length - at - 1).array()
                        : ByteBuffer.allocate(bytes.length + 1).put(proof, 0, at + 1).put(proof, at, proof.length - at).array();
            }
            default -> {
                bytes = new byte[random.nextInt(96)];
                random.nextBytes(bytes);
            }
        }
        return bytes;
    }

    /** Valid Keel and upstream proofs and malformed edge cases, as committed corpus files. */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>(PROOFS);
        seeds.put("empty", new byte[0]);
        seeds.put("batch-proof", new byte[] {0x1a, 0x00});
        seeds.put("existence-without-leaf", new byte[] {0x0a, 0x00});
        seeds.put("group-wire-type", new byte[] {0x0b});
        seeds.put("crafted-length", new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f});
        seeds.put("overlong-varint", new byte[] {0x08, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});
        // An existence proof with a leaf and 257 empty inner operations: one more than the limit.
        ByteBuffer deep = ByteBuffer.allocate(4 + 2 * 257);
        deep.put((byte) 0x1a).put((byte) 0x00);
        for (int i = 0; i < 257; i++) {
            deep.put((byte) 0x22).put((byte) 0x00);
        }
        byte[] exist = Arrays.copyOf(deep.array(), deep.position());
        ByteBuffer path = ByteBuffer.allocate(exist.length + 4).put((byte) 0x0a);
        path.put((byte) (0x80 | (exist.length & 0x7f))).put((byte) (exist.length >>> 7)).put(exist);
        seeds.put("too-many-inner-operations", Arrays.copyOf(path.array(), path.position()));
        return seeds;
    }

    private static byte[] key(int k) {
        return ("key-" + String.format("%04d", k)).getBytes(StandardCharsets.UTF_8);
    }

    /** With {@code -Dkeel.fuzz.writeSeeds=true}, (re)writes the committed corpus of the fuzz target. */
    private static void writeSeedsIfAsked(Map<String, byte[]> seeds) throws IOException {
        if (!Boolean.getBoolean("keel.fuzz.writeSeeds")) {
            return;
        }
        Path dir = Path.of("src/test/resources", Ics23ProofFuzzTest.class.getPackageName().replace('.', '/'),
                Ics23ProofFuzzTest.class.getSimpleName() + "Inputs", TARGET);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
    }
}
