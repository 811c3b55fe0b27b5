package dev.keel.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The parity manifest reader against arbitrary bytes (read as UTF-8, as {@code keel parity} reads a
 * manifest file): a report or a {@link ManifestFormatException}, nothing else. A report read from
 * any text writes a manifest that reads back to an equal report and writes the same text again
 * (the writer's output is a fixed point), and whitespace between tokens does not change what is
 * read. The committed corpus replays in every build; {@code JAZZER_FUZZ=1} fuzzes for real
 * ({@code ./fuzz}).
 */
class ParityManifestFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());
    private static final String TARGET = "manifestReaderRejectsArbitraryBytesWithTypedErrors";
    private static final HexFormat HEX = HexFormat.of();

    @FuzzTest(maxDuration = "30s")
    void manifestReaderRejectsArbitraryBytesWithTypedErrors(byte[] input) {
        read(new String(input, StandardCharsets.UTF_8));
    }

    @Test
    void manifestReaderRejectsRandomAndMutatedManifestsWithTypedErrors() {
        System.out.println("ParityManifestFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        int read = 0;
        int rejected = 0;
        for (int i = 0; i < 3_000; i++) {
            ParityReport report = randomReport(random);
            String json = ParityManifest.toJson(report);
            if (i % 5 == 0) {
                assertEquals(report, read(json), "seed " + SEED + ": an intact manifest reads back");
                String spaced = " \t" + json.replace("\n", "\r\n\t  ") + "\n\n";
                assertEquals(report, read(spaced), "seed " + SEED + ": whitespace between tokens changes nothing");
                continue;
            }
            if (read(mutate(random, json)) == null) {
                rejected++;
            } else {
                read++;
            }
        }
        System.out.println("ParityManifestFuzzTest mutated manifests: " + read + " read, " + rejected + " rejected");
        assertTrue(rejected > 0, "seed " + SEED + ": no mutation was rejected");
    }

    @Test
    void committedSeedsHaveTheirIntendedOutcome() throws IOException {
        for (Map.Entry<String, String> seed : seeds().entrySet()) {
            ParityReport report = read(seed.getValue());
            if (seed.getKey().startsWith("valid-")) {
                assertNotNull(report, seed.getKey());
            } else {
                assertNull(report, seed.getKey() + " must be rejected");
            }
        }
        if (Boolean.getBoolean("keel.fuzz.writeSeeds")) {
            Path dir = Path.of("src/test/resources", ParityManifestFuzzTest.class.getPackageName().replace('.', '/'),
                    ParityManifestFuzzTest.class.getSimpleName() + "Inputs", TARGET);
            Files.createDirectories(dir);
            for (Map.Entry<String, String> seed : seeds().entrySet()) {
                Files.writeString(dir.resolve(seed.getKey()), seed.getValue(), StandardCharsets.UTF_8);
            }
        }
    }

    /** @return the report, or null when the reader rejected the text with its typed error */
    static ParityReport read(String json) {
        ParityReport report;
        try {
            report = ParityManifest.fromJson(json);
        } catch (ManifestFormatException rejected) {
            assertNotNull(rejected.getMessage());
            return null;
        }
        String written = ParityManifest.toJson(report);
        ParityReport again = ParityManifest.fromJson(written);
        assertEquals(report, again, "a report read from a manifest reads back from its own manifest");
        assertEquals(written, ParityManifest.toJson(again), "the written manifest is a fixed point");
        assertEquals(report.verdict(), again.verdict());
        return report;
    }

    private static String mutate(SplittableRandom random, String json) {
        StringBuilder b = new StringBuilder(json);
        switch (random.nextInt(7)) {
            case 0 -> {
                int at = random.nextInt(b.length());
                b.setCharAt(at, (char) (b.charAt(at) ^ (1 << random.nextInt(7))));
            }
            case 1 -> b.setLength(random.nextInt(b.length()));
            case 2 -> b.deleteCharAt(random.nextInt(b.length()));
            case 3 -> {
                String[] tokens = {"{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "-", "0", "99999999999999999999",
                    "\\u00", "\\ud800", " "};
                b.insert(random.nextInt(b.length() + 1), tokens[random.nextInt(tokens.length)]);
            }
            case 4 -> {
                // Nested arrays and objects where a value may be: shallow enough not to be a stack-depth test.
                int depth = 1 + random.nextInt(200);
                String value = "[".repeat(depth) + "]".repeat(depth);
                String field = "\"" + List.of("history", "versions", "shards", "divergence", "error", "extra")
                        .get(random.nextInt(6)) + "\": ";
                int at = b.indexOf(field);
                b.insert(at < 0 ? 1 : at + field.length(), value + (at < 0 ? "" : ", \"x\": "));
            }
            case 5 -> {
                // A field with the wrong type or an out-of-range value.
                String[] values = {"null", "\"7\"", "-1", "0", "{}", "[]", "true", "\"zz\"", "\"abc\""};
                int colon = b.indexOf(": ", random.nextInt(b.length()));
                if (colon > 0) {
                    int end = colon + 2;
                    while (end < b.length() && ",}]\n".indexOf(b.charAt(end)) < 0) {
                        end++;
                    }
                    b.replace(colon + 2, end, values[random.nextInt(values.length)]);
                }
            }
            default -> {
                b.setLength(0);
                String alphabet = "{}[]\":, 0-ntfu\\ab";
                for (int n = random.nextInt(60); n > 0; n--) {
                    b.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
        }
        return b.toString();
    }

    static ParityReport randomReport(SplittableRandom random) {
        int shards = 1 + random.nextInt(4);
        List<ShardResult> results = new ArrayList<>();
        long from = 0;
        for (int i = 0; i < shards; i++) {
            long to = from + 1 + random.nextInt(50);
            results.add(switch (random.nextInt(4)) {
                case 0 -> new ShardResult(i, from, to, Verdict.PASSED, digest(random), digest(random), random.nextInt(10), null, null);
                case 1 -> new ShardResult(i, from, to, Verdict.DIVERGED, random.nextBoolean() ? digest(random) : null, null,
                        random.nextInt(10), divergence(random, to), null);
                case 2 -> new ShardResult(i, from, to, Verdict.FAILED, null, null, 0, null, text(random));
                default -> ShardResult.notRun(i, from, to);
            });
            from = to;
        }
        return new ParityReport(text(random), from, 1 + random.nextInt(100), random.nextInt(4), results);
    }

    private static Divergence divergence(SplittableRandom random, long version) {
        return new Divergence(version, bytes(random, 2), random.nextBoolean() ? bytes(random, 6) : null,
                random.nextBoolean() ? bytes(random, 4) : null, random.nextBoolean() ? bytes(random, 4) : null,
                "flatkv", "tree", digest(random), digest(random));
    }

    private static String digest(SplittableRandom random) {
        return HEX.formatHex(bytes(random, 8));
    }

    private static byte[] bytes(SplittableRandom random, int max) {
        byte[] b = new byte[random.nextInt(max + 1)];
        random.nextBytes(b);
        return b;
    }

    /** Text with the characters the writer must escape, and some beyond ASCII. */
    private static String text(SplittableRandom random) {
        StringBuilder b = new StringBuilder();
        String alphabet = "ab \"\\\n\r\t\u0001/\u00fc\u4e2d:,{}";
        for (int n = random.nextInt(12); n > 0; n--) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** Manifests of every verdict and the malformed edge cases, as committed corpus files. */
    static Map<String, String> seeds() {
        Map<String, String> seeds = new LinkedHashMap<>();
        ShardResult passed0 = new ShardResult(0, 0, 40, Verdict.PASSED, "aa01", "bb02", 4, null, null);
        ShardResult passed1 = new ShardResult(1, 40, 100, Verdict.PASSED, "bb02", "cc03", 6, null, null);
        seeds.put("valid-passed", ParityManifest.toJson(new ParityReport("generated(seed=7)", 100, 10, 1, List.of(passed0, passed1))));
        Divergence d = new Divergence(57, new byte[] {0x6b}, "key-1".getBytes(StandardCharsets.UTF_8), new byte[] {1},
                null, "flatkv", "tree", "d1", "d2");
        seeds.put("valid-diverged", ParityManifest.toJson(new ParityReport("wal \"x\"\n\u00fc", 100, 10, 2, List.of(passed0,
                new ShardResult(1, 40, 100, Verdict.DIVERGED, "bb02", null, 2, d, null)))));
        seeds.put("valid-failed-and-not-run", ParityManifest.toJson(new ParityReport("h", 100, 10, 0, List.of(
                new ShardResult(0, 0, 40, Verdict.FAILED, null, null, 0, null, "disk full\t\u0001"),
                ShardResult.notRun(1, 40, 100)))));
        seeds.put("valid-broken-chain", ParityManifest.toJson(new ParityReport("h", 100, 10, 1, List.of(passed0,
                new ShardResult(1, 40, 100, Verdict.PASSED, "ffff", "cc03", 6, null, null)))));
        seeds.put("valid-whitespace", " \t" + seeds.get("valid-passed").replace("\n", "\r\n\t  ") + "\n");
        String passed = seeds.get("valid-passed");
        seeds.put("other-format", passed.replace("keel-parity-manifest/1", "keel-parity-manifest/2"));
        seeds.put("unknown-verdict", passed.replace("\"verdict\": \"passed\", \"startDigest\": \"aa01\"",
                "\"verdict\": \"maybe\", \"startDigest\": \"aa01\""));
        seeds.put("shards-do-not-tile", passed.replace("\"from\": 40", "\"from\": 41"));
        seeds.put("bad-hex", seeds.get("valid-diverged").replace("\"bucket\": \"6b\"", "\"bucket\": \"6\""));
        seeds.put("integer-out-of-range", passed.replace("\"versions\": 100", "\"versions\": 99999999999999999999"));
        seeds.put("integer-as-string", passed.replace("\"versions\": 100", "\"versions\": \"100\""));
        seeds.put("unterminated-string", passed.substring(0, passed.indexOf("generated") + 4));
        seeds.put("bad-escape", passed.replace("generated", "gen\\qerated"));
        seeds.put("short-unicode-escape", "{\"format\": \"\\u12");
        seeds.put("nested-arrays", "{\"format\": " + "[".repeat(64) + "]".repeat(64) + "}");
        seeds.put("text-after-manifest", passed + "{}");
        seeds.put("empty", "");
        return seeds;
    }
}
