package dev.keel.parity;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON manifest of a parity run: the plan (history, interval, depth, shard ranges), each
 * shard's verdict and chaining digests, and the run's verdict, so that shards run on several
 * machines can be merged ({@link ParityReport#merge}) and judged as one run.
 *
 * <p>Format {@value #FORMAT}, written by hand (Keel takes no JSON dependency for one small file).
 * Byte strings are lower-case hex; an absent value is {@code null}. The reader accepts exactly
 * the JSON this writer produces plus whitespace changes, and recomputes the verdict from the
 * shards rather than trusting the stored one.
 *
 * <p>Stateless and thread-safe.
 */
public final class ParityManifest {
    /** The format id, first field of every manifest. */
    public static final String FORMAT = "keel-parity-manifest/1";

    private ParityManifest() {
    }

    /**
     * @param report a report
     * @return its manifest, ending with a newline
     */
    public static String toJson(ParityReport report) {
        StringBuilder b = new StringBuilder(512);
        b.append("{\n  \"format\": ").append(str(FORMAT))
                .append(",\n  \"history\": ").append(str(report.history()))
                .append(",\n  \"versions\": ").append(report.versions())
                .append(",\n  \"every\": ").append(report.every())
                .append(",\n  \"depth\": ").append(report.depth())
                .append(",\n  \"verdict\": ").append(str(report.verdict().label()))
                .append(",\n  \"shards\": [");
        for (int i = 0; i < report.shards().size(); i++) {
            ShardResult s = report.shards().get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"index\": ").append(s.index())
                    .append(", \"from\": ").append(s.fromVersion())
                    .append(", \"to\": ").append(s.toVersion())
                    .append(", \"verdict\": ").append(str(s.verdict().label()))
                    .append(", \"startDigest\": ").append(str(s.startDigest()))
                    .append(", \"endDigest\": ").append(str(s.endDigest()))
                    .append(", \"comparisons\": ").append(s.comparisons())
                    .append(", \"error\": ").append(str(s.error()))
                    .append(", \"divergence\": ").append(divergence(s.divergence())).append('}');
        }
        b.append("\n  ],\n  \"links\": [");
        List<ParityReport.Link> links = report.links();
        for (int i = 0; i < links.size(); i++) {
            b.append(i == 0 ? "" : ", ").append("{\"shard\": ").append(links.get(i).index())
                    .append(", \"intact\": ").append(links.get(i).intact()).append('}');
        }
        return b.append("]\n}\n").toString();
    }

    /**
     * @param json a manifest
     * @return the report it describes (its verdict recomputed from the shards)
     * @throws ManifestFormatException if it is not a manifest of format {@value #FORMAT}
     */
    public static ParityReport fromJson(String json) {
        Object parsed = new Reader(json).document();
        Map<String, Object> root = object(parsed, "manifest");
        if (!FORMAT.equals(root.get("format"))) {
            throw new ManifestFormatException("not a " + FORMAT + " manifest: format is " + root.get("format"));
        }
        List<ShardResult> shards = new ArrayList<>();
        Object list = root.get("shards");
        if (!(list instanceof List<?> items)) {
            throw new ManifestFormatException("\"shards\" must be an array");
        }
        try {
            for (Object item : items) {
                Map<String, Object> s = object(item, "shard");
                Object d = s.get("divergence");
                shards.add(new ShardResult(intNumber(s, "index"), number(s, "from"), number(s, "to"),
                        Verdict.fromLabel(text(s, "verdict")), (String) s.get("startDigest"), (String) s.get("endDigest"),
                        number(s, "comparisons"), d == null ? null : divergence(object(d, "divergence")),
                        (String) s.get("error")));
            }
            return new ParityReport(text(root, "history"), number(root, "versions"), intNumber(root, "every"),
                    intNumber(root, "depth"), shards);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ManifestFormatException("invalid manifest: " + e.getMessage(), e);
        }
    }

    private static String divergence(Divergence d) {
        if (d == null) {
            return "null";
        }
        return "{\"version\": " + d.version() + ", \"bucket\": " + str(hex(d.bucketPrefix()))
                + ", \"key\": " + str(hex(d.key())) + ", \"leftName\": " + str(d.leftName())
                + ", \"leftValue\": " + str(hex(d.leftValue())) + ", \"rightName\": " + str(d.rightName())
                + ", \"rightValue\": " + str(hex(d.rightValue())) + ", \"leftDigest\": " + str(d.leftDigest())
                + ", \"rightDigest\": " + str(d.rightDigest()) + "}";
    }

    private static Divergence divergence(Map<String, Object> m) {
        return new Divergence(number(m, "version"), unhex(text(m, "bucket")), unhex((String) m.get("key")),
                unhex((String) m.get("leftValue")), unhex((String) m.get("rightValue")), text(m, "leftName"),
                text(m, "rightName"), text(m, "leftDigest"), text(m, "rightDigest"));
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }

    private static byte[] unhex(String hex) {
        return hex == null ? null : HexFormat.of().parseHex(hex);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new ManifestFormatException("the " + what + " must be a JSON object");
        }
        return (Map<String, Object>) o;
    }

    private static int intNumber(Map<String, Object> m, String field) {
        long n = number(m, field);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new ManifestFormatException("field \"" + field + "\" is out of range: " + n);
        }
        return (int) n;
    }

    private static long number(Map<String, Object> m, String field) {
        if (!(m.get(field) instanceof Long n)) {
            throw new ManifestFormatException("field \"" + field + "\" must be an integer, found " + m.get(field));
        }
        return n;
    }

    private static String text(Map<String, Object> m, String field) {
        if (!(m.get(field) instanceof String s)) {
            throw new ManifestFormatException("field \"" + field + "\" must be a string, found " + m.get(field));
        }
        return s;
    }

    private static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A small recursive-descent reader for objects, arrays, strings, integers, booleans and null. */
    private static final class Reader {
        /** Deepest nesting of arrays and objects accepted (a manifest nests three levels). */
        private static final int MAX_DEPTH = 32;
        private final String s;
        private int at;
        private int depth;

        Reader(String s) {
            this.s = s;
        }

        Object document() {
            Object v = value();
            skip();
            if (at != s.length()) {
                throw error("text after the manifest");
            }
            return v;
        }

        private Object value() {
            skip();
            if (at >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(at);
            if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw error("nested deeper than " + MAX_DEPTH + " levels");
                }
                Object nested = c == '{' ? object() : array();
                depth--;
                return nested;
            }
            return scalar(c);
        }

        private Map<String, Object> object() {
            at++;
            Map<String, Object> m = new LinkedHashMap<>();
            skip();
            if (peek('}')) {
                return m;
            }
            do {
                skip();
                String key = string();
                skip();
                expect(':');
                m.put(key, value());
                skip();
            } while (peek(','));
            expect('}');
            return m;
        }

        private List<Object> array() {
            at++;
            List<Object> l = new ArrayList<>();
            skip();
            if (peek(']')) {
                return l;
            }
            do {
                l.add(value());
                skip();
            } while (peek(','));
            expect(']');
            return l;
        }

        private Object scalar(char c) {
            if (c == '"') {
                return string();
            }
            if (s.startsWith("null", at)) {
                at += 4;
                return null;
            }
            if (s.startsWith("true", at)) {
                at += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", at)) {
                at += 5;
                return Boolean.FALSE;
            }
            int start = at;
            if (c == '-') {
                at++;
            }
            while (at < s.length() && Character.isDigit(s.charAt(at)) && s.charAt(at) < 128) {
                at++;
            }
            if (at == start || (at == start + 1 && c == '-')) {
                throw error("unexpected character '" + c + "'");
            }
            try {
                return Long.parseLong(s.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("integer out of range");
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (at >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(at++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (at >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (at + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        at += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private void skip() {
            while (at < s.length() && (s.charAt(at) == ' ' || s.charAt(at) == '\n' || s.charAt(at) == '\r'
                    || s.charAt(at) == '\t')) {
                at++;
            }
        }

        private boolean peek(char c) {
            if (at < s.length() && s.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private ManifestFormatException error(String what) {
            return new ManifestFormatException("manifest is not valid JSON at character " + at + ": " + what);
        }
    }
}
