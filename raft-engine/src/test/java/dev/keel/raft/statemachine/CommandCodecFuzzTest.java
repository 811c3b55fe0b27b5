package dev.keel.raft.statemachine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The command decoder against arbitrary payload bytes: a {@link Command} or a
 * {@link MalformedCommandException} whose offset lies inside the payload, nothing else (no runtime
 * exception, no allocation sized by a crafted count or length). A decoded command re-encodes to
 * exactly the bytes it came from (the format has one encoding per command), and
 * {@link CommandCodec#isLease} agrees with the decoder. The committed corpus replays in every
 * build; {@code JAZZER_FUZZ=1} fuzzes for real ({@code ./fuzz}).
 */
class CommandCodecFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());
    private static final String TARGET = "commandDecoderRejectsArbitraryBytesWithTypedErrors";

    @FuzzTest(maxDuration = "30s")
    void commandDecoderRejectsArbitraryBytesWithTypedErrors(byte[] input) {
        decode(input);
    }

    @Test
    void commandDecoderRejectsRandomAndMutatedPayloadsWithTypedErrors() {
        System.out.println("CommandCodecFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < 4_000; i++) {
            Command command = randomCommand(random);
            byte[] valid = CommandCodec.encode(command);
            if (i % 8 == 0) {
                assertEquals(command, decode(valid), "seed " + SEED + ": an intact payload decodes to its command");
                continue;
            }
            byte[] bytes = mutate(random, valid);
            if (decode(bytes) == null) {
                rejected++;
            } else {
                decoded++;
            }
        }
        System.out.println("CommandCodecFuzzTest mutated payloads: " + decoded + " decoded, " + rejected + " rejected");
        assertTrue(rejected > 0, "seed " + SEED + ": no mutation was rejected");
    }

    @Test
    void committedSeedsHaveTheirIntendedOutcome() throws IOException {
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Command c = decode(seed.getValue());
            if (seed.getKey().startsWith("valid-")) {
                assertNotNull(c, seed.getKey());
            } else {
                assertNull(c, seed.getKey() + " must be rejected");
            }
        }
        writeSeedsIfAsked(seeds());
    }

    /**
     * @return the decoded command, or null when the decoder rejected the payload with its typed error
     */
    static Command decode(byte[] input) {
        Command command;
        try {
            command = CommandCodec.decode(input);
        } catch (MalformedCommandException rejected) {
            if (rejected.offset() < 0 || rejected.offset() > input.length) {
                throw new AssertionError("offset " + rejected.offset() + " outside the " + input.length + "-byte payload", rejected);
            }
            if (CommandCodec.isLease(input) && input.length == 10 && ByteBuffer.wrap(input).getLong(2) >= 0) {
                throw new AssertionError("a well-formed lease was rejected", rejected);
            }
            return null;
        }
        assertArrayEquals(input, CommandCodec.encode(command), "a decoded command re-encodes to its payload");
        assertEquals(command, CommandCodec.decode(CommandCodec.encode(command)));
        assertEquals(command instanceof Command.HlcLease, CommandCodec.isLease(input), "isLease agrees with decode");
        return command;
    }

    private static byte[] mutate(SplittableRandom random, byte[] valid) {
        byte[] bytes = valid.clone();
        switch (random.nextInt(6)) {
            case 0 -> {
                for (int f = 1 + random.nextInt(3); f > 0; f--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 2 -> {
                bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(8));
                for (int j = valid.length; j < bytes.length; j++) {
                    bytes[j] = (byte) random.nextInt(256);
                }
            }
            case 3 -> {
                // A crafted count or length: the decoder must check it before allocating.
                if (bytes.length >= 6) {
                    int[] crafted = {-1, Integer.MAX_VALUE, 1 << 24, random.nextInt()};
                    ByteBuffer.wrap(bytes).putInt(2 + random.nextInt(bytes.length - 5), crafted[random.nextInt(crafted.length)]);
                }
            }
            case 4 -> {
                // Bytes that are not UTF-8 where an id may be.
                int at = random.nextInt(bytes.length);
                bytes[at] = (byte) (0x80 | random.nextInt(0x80));
            }
            default -> {
                bytes = new byte[random.nextInt(40)];
                random.nextBytes(bytes);
                if (bytes.length > 1 && random.nextBoolean()) {
                    bytes[0] = CommandCodec.VERSION;
                    bytes[1] = (byte) (1 + random.nextInt(4));
                }
            }
        }
        return bytes;
    }

    static Command randomCommand(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> {
                List<Mutation> ops = new ArrayList<>();
                for (int n = random.nextInt(5); n > 0; n--) {
                    byte[] key = new byte[1 + random.nextInt(8)];
                    random.nextBytes(key);
                    if (random.nextInt(3) == 0) {
                        ops.add(Mutation.delete(key));
                    } else {
                        byte[] value = new byte[random.nextInt(12)];
                        random.nextBytes(value);
                        ops.add(Mutation.put(key, value));
                    }
                }
                yield new Command.Block(ops);
            }
            case 1 -> new Command.KeyRotation(1 + random.nextInt(Integer.MAX_VALUE));
            case 2 -> new Command.HlcLease(random.nextLong(Long.MAX_VALUE));
            default -> {
                List<String> voters = new ArrayList<>();
                List<String> learners = new ArrayList<>();
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    String id = "n" + i + (random.nextBoolean() ? "" : "-\u00fc\u4e2d");
                    (random.nextInt(3) == 0 ? learners : voters).add(id);
                }
                yield new Command.MembershipChange(new Membership(voters, learners));
            }
        };
    }

    /** Valid encodings of every kind and the edge cases the decoder must reject, as committed corpus files. */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        byte[] k = "key".getBytes(StandardCharsets.UTF_8);
        seeds.put("valid-block", CommandCodec.encode(new Command.Block(List.of(Mutation.put(k, "value".getBytes(StandardCharsets.UTF_8)),
                Mutation.delete("gone".getBytes(StandardCharsets.UTF_8)), Mutation.put(new byte[] {0}, new byte[0])))));
        seeds.put("valid-empty-block", CommandCodec.encode(new Command.Block(List.of())));
        seeds.put("valid-key-rotation", CommandCodec.encode(new Command.KeyRotation(7)));
        seeds.put("valid-hlc-lease", CommandCodec.encode(new Command.HlcLease(0x0001_8F00_0000_0042L)));
        seeds.put("valid-membership", CommandCodec.encode(new Command.MembershipChange(
                new Membership(List.of("n1", "n2", "\u00fc"), List.of("n4")))));
        seeds.put("crafted-operation-count", ByteBuffer.allocate(6).put((byte) 1).put((byte) CommandCodec.KIND_BLOCK)
                .putInt(Integer.MAX_VALUE).array());
        seeds.put("crafted-key-length", ByteBuffer.allocate(16).put((byte) 1).put((byte) CommandCodec.KIND_BLOCK).putInt(1)
                .put((byte) 0).putInt(-1).array());
        seeds.put("crafted-voter-count", ByteBuffer.allocate(10).put((byte) 1).put((byte) CommandCodec.KIND_MEMBERSHIP)
                .putInt(-1).putInt(0).array());
        seeds.put("id-not-utf8", ByteBuffer.allocate(14).put((byte) 1).put((byte) CommandCodec.KIND_MEMBERSHIP).putInt(1)
                .putShort((short) 2).put((byte) 0xC0).put((byte) 0x80).putInt(0).array());
        seeds.put("duplicate-node-id", ByteBuffer.allocate(16).put((byte) 1).put((byte) CommandCodec.KIND_MEMBERSHIP).putInt(2)
                .putShort((short) 1).put((byte) 'a').putShort((short) 1).put((byte) 'a').putInt(0).array());
        byte[] lease = seeds.get("valid-hlc-lease");
        seeds.put("trailing-byte", Arrays.copyOf(lease, lease.length + 1));
        seeds.put("negative-lease", ByteBuffer.allocate(10).put((byte) 1).put((byte) CommandCodec.KIND_LEASE).putLong(-1).array());
        seeds.put("zero-key-rotation", ByteBuffer.allocate(6).put((byte) 1).put((byte) CommandCodec.KIND_ROTATION).putInt(0).array());
        seeds.put("unknown-version", new byte[] {2, 3, 0, 0, 0, 0, 0, 0, 0, 0});
        seeds.put("unknown-kind", new byte[] {1, 9});
        return seeds;
    }

    /** With {@code -Dkeel.fuzz.writeSeeds=true}, (re)writes the committed corpus of the fuzz target. */
    private static void writeSeedsIfAsked(Map<String, byte[]> seeds) throws IOException {
        if (!Boolean.getBoolean("keel.fuzz.writeSeeds")) {
            return;
        }
        Path dir = Path.of("src/test/resources", CommandCodecFuzzTest.class.getPackageName().replace('.', '/'),
                CommandCodecFuzzTest.class.getSimpleName() + "Inputs", TARGET);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
    }
}
