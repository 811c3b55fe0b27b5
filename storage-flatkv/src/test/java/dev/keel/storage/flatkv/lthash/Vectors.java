package dev.keel.storage.flatkv.lthash;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the copied test vectors from the test classpath ({@code /vectors/...}). */
final class Vectors {

    private static final HexFormat HEX = HexFormat.of();

    private Vectors() {
    }

    static String text(String name) {
        String path = "/vectors/" + name;
        try (InputStream in = Vectors.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    /** The official vectors' input: byte i is i % 251. */
    static byte[] officialInput(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    /** One hash-mode case of blake3_test_vectors.json. */
    record Blake3Case(int inputLength, byte[] extendedHash) {
    }

    /**
     * The hash-mode cases of the official BLAKE3 vectors. Each case object lists
     * {@code input_len} then {@code hash}; a regex over that pair is all the JSON we need.
     */
    static List<Blake3Case> officialBlake3Cases() {
        Matcher m = Pattern.compile("\"input_len\"\\s*:\\s*(\\d+)\\s*,\\s*\"hash\"\\s*:\\s*\"([0-9a-f]+)\"")
                .matcher(text("blake3_test_vectors.json"));
        List<Blake3Case> cases = new ArrayList<>();
        while (m.find()) {
            cases.add(new Blake3Case(Integer.parseInt(m.group(1)), hex(m.group(2))));
        }
        return cases;
    }

    /** One named case of lthash_vectors.json. */
    record LtHashCase(String name, byte[] marshalFull, byte[] checksum) {
    }

    /** Reads the case {@code name} (a top-level key) of lthash_vectors.json. */
    static LtHashCase ltHashCase(String name) {
        String json = text("lthash_vectors.json");
        // Names contain braces, so the case body starts after the name's own "{" and ends at
        // the next "}" (case objects hold no nested objects).
        Matcher head = Pattern.compile(Pattern.quote("\"" + name + "\"") + "\\s*:\\s*\\{").matcher(json);
        if (!head.find()) {
            throw new IllegalStateException("no case " + name + " in lthash_vectors.json");
        }
        String body = json.substring(head.end(), json.indexOf('}', head.end()));
        return new LtHashCase(name, hex(field(body, "marshal_full")), hex(field(body, "checksum")));
    }

    /** The top-level keys of lthash_vectors.json, in file order. */
    static List<String> ltHashCaseNames() {
        Matcher m = Pattern.compile("(?m)^ \"([^\"]+)\"\\s*:\\s*\\{").matcher(text("lthash_vectors.json"));
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String field(String body, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([0-9a-f]*)\"").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no field " + field + " in " + body);
        }
        return m.group(1);
    }
}
