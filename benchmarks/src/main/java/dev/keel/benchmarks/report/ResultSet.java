package dev.keel.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every JMH result in a results directory: each {@code *.json} file in it except the machine
 * description is read as a JMH JSON result file, whatever its name, so the files of a suite run
 * and those written by hand ({@code java -jar benchmarks.jar ... -rf json -rff x.json}) both work.
 * When two files hold the same benchmark, mode and parameters, the one later in name order wins.
 * Immutable once loaded.
 */
public final class ResultSet {
    /** The machine description a suite run writes next to its results. */
    public static final String MACHINE_FILE = "machine.json";

    private final Path directory;
    private final List<Path> files;
    private final List<JmhScore> scores;
    private final Map<String, Object> machine;

    private ResultSet(Path directory, List<Path> files, List<JmhScore> scores, Map<String, Object> machine) {
        this.directory = directory;
        this.files = List.copyOf(files);
        this.scores = List.copyOf(scores);
        this.machine = machine;
    }

    /**
     * @param directory a results directory
     * @return its results
     * @throws ReportException if the directory is missing, holds no result file, or a file is not
     *     JMH JSON (naming the file)
     */
    public static ResultSet load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ReportException(directory, "results directory not found");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.json")) {
            for (Path p : stream) {
                if (!p.getFileName().toString().equals(MACHINE_FILE) && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new ReportException(directory, "cannot list the results directory", e);
        }
        if (files.isEmpty()) {
            throw new ReportException(directory, "no JMH result files (*.json) in the results directory");
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        Map<String, JmhScore> byKey = new LinkedHashMap<>();
        for (Path file : files) {
            for (JmhScore s : readScores(file)) {
                byKey.put(s.className() + "." + s.method() + "|" + s.mode() + "|" + new TreeMap<>(s.params()), s);
            }
        }
        Map<String, Object> machine = null;
        Path machineFile = directory.resolve(MACHINE_FILE);
        if (Files.isRegularFile(machineFile)) {
            Object doc = parse(machineFile);
            if (!(doc instanceof Map<?, ?>)) {
                throw new ReportException(machineFile, "not a JSON object");
            }
            machine = stringKeys(machineFile, doc);
        }
        return new ResultSet(directory, files, new ArrayList<>(byKey.values()), machine);
    }

    /** @return the directory the results came from */
    public Path directory() {
        return directory;
    }

    /** @return the JMH result files read, in name order */
    public List<Path> files() {
        return files;
    }

    /** @return every result */
    public List<JmhScore> scores() {
        return scores;
    }

    /** @return {@code machine.json}'s content, if the directory has one */
    public Optional<Map<String, Object>> machine() {
        return Optional.ofNullable(machine);
    }

    /** @param className a benchmark class's simple name @return whether any result is of that class */
    public boolean has(String className) {
        return scores.stream().anyMatch(s -> s.className().equals(className));
    }

    /**
     * @param className a benchmark class's simple name
     * @param method its method
     * @param mode JMH's short mode name
     * @param params parameters the result must have with these values (others may differ)
     * @return the first matching result
     */
    public Optional<JmhScore> find(String className, String method, String mode, Map<String, String> params) {
        return scores.stream()
                .filter(s -> s.className().equals(className) && s.method().equals(method) && s.mode().equals(mode))
                .filter(s -> params.entrySet().stream().allMatch(e -> Objects.equals(s.params().get(e.getKey()), e.getValue())))
                .findFirst();
    }

    /**
     * @param className a benchmark class's simple name
     * @param param a parameter name
     * @return the values of that parameter among the class's results, numerically sorted where
     *     they are numbers
     */
    public List<String> paramValues(String className, String param) {
        TreeSet<String> values = new TreeSet<>(ResultSet::compareValues);
        for (JmhScore s : scores) {
            if (s.className().equals(className) && s.params().containsKey(param)) {
                values.add(s.params().get(param));
            }
        }
        return new ArrayList<>(values);
    }

    private static int compareValues(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    private static boolean isBlank(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).isBlank();
        } catch (IOException e) {
            throw new ReportException(file, "cannot read", e);
        }
    }

    private static Object parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportException(file, "cannot read", e);
        }
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ReportException(file, "not valid JSON: " + e.getMessage(), e);
        }
    }

    private static List<JmhScore> readScores(Path file) {
        if (isBlank(file)) {
            // What JMH leaves when a run fails before its first result: no results, not an error.
            return List.of();
        }
        Object doc = parse(file);
        if (!(doc instanceof List<?> list)) {
            throw new ReportException(file, "not a JMH result file (expected a JSON array of results)");
        }
        List<JmhScore> out = new ArrayList<>();
        for (Object item : list) {
            Map<String, Object> r = stringKeys(file, item);
            String benchmark = text(file, r, "benchmark");
            int dot = benchmark.lastIndexOf('.');
            if (dot <= 0) {
                throw new ReportException(file, "benchmark name '" + benchmark + "' has no class");
            }
            String qualifiedClass = benchmark.substring(0, dot);
            String className = qualifiedClass.substring(qualifiedClass.lastIndexOf('.') + 1);
            Map<String, String> params = new LinkedHashMap<>();
            Object p = r.get("params");
            if (p != null) {
                stringKeys(file, p).forEach((k, v) -> params.put(k, String.valueOf(v)));
            }
            Map<String, Object> primary = stringKeys(file, r.get("primaryMetric"));
            Map<String, Double> percentiles = new LinkedHashMap<>();
            Object pct = primary.get("scorePercentiles");
            if (pct != null) {
                stringKeys(file, pct).forEach((k, v) -> percentiles.put(k, number(v)));
            }
            out.add(new JmhScore(className, benchmark.substring(dot + 1), text(file, r, "mode"),
                    (int) number(r.get("threads")), params, number(primary.get("score")), number(primary.get("scoreError")),
                    text(file, primary, "scoreUnit"), percentiles, file));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeys(Path file, Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new ReportException(file, "expected a JSON object, found " + (value == null ? "nothing" : value));
        }
        return (Map<String, Object>) value;
    }

    private static String text(Path file, Map<String, Object> object, String member) {
        if (!(object.get(member) instanceof String s)) {
            throw new ReportException(file, "a result has no '" + member + "'");
        }
        return s;
    }

    /** JMH writes NaN and infinities as strings. */
    private static double number(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
