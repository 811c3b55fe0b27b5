package dev.keel.benchmarks.suite;

import dev.keel.benchmarks.report.Json;
import dev.keel.benchmarks.report.ResultSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs benchmark groups through JMH, one {@link Runner} per group, writing each group's JMH JSON
 * ({@link BenchmarkGroup#resultFile()}) and {@code machine.json} (the machine, the profile, the
 * command, and how long each group took) into a results directory. A group that fails is recorded
 * and the others still run. Not thread-safe; one run at a time per JVM (JMH's own lock enforces
 * it across JVMs, except for the smoke profile, which measures nothing and skips the lock).
 */
public final class Suite {
    private Suite() {
    }

    /**
     * How one group's run went.
     *
     * @param group the group
     * @param resultFile its JMH JSON
     * @param elapsed wall time of its JMH run
     * @param failure why it failed, or null if it passed
     */
    public record GroupOutcome(BenchmarkGroup group, Path resultFile, Duration elapsed, String failure) {
        /** @return whether JMH finished the group without an error */
        public boolean passed() {
            return failure == null;
        }
    }

    /**
     * A finished run.
     *
     * @param profile its profile
     * @param outDir its results directory
     * @param groups each group's outcome, in run order
     * @param elapsed wall time of the whole run
     */
    public record SuiteRun(Profile profile, Path outDir, List<GroupOutcome> groups, Duration elapsed) {
        /** Copies the list. */
        public SuiteRun {
            groups = List.copyOf(groups);
        }

        /** @return whether every group passed */
        public boolean passed() {
            return groups.stream().allMatch(GroupOutcome::passed);
        }
    }

    /**
     * Runs the groups in order.
     *
     * @param profile sizes and iterations
     * @param outDir the results directory (created if missing; existing group files are replaced)
     * @param groups the groups to run
     * @param command the command line to record in {@code machine.json}
     * @param progress where progress lines go (JMH's own output goes to standard output)
     * @return the outcome of every group
     * @throws IOException if the results directory or {@code machine.json} cannot be written
     */
    public static SuiteRun run(Profile profile, Path outDir, List<BenchmarkGroup> groups, String command,
                               PrintStream progress) throws IOException {
        Files.createDirectories(outDir);
        if (profile == Profile.SMOKE) {
            // Read once, when JMH's Runner class initialises: set before the first run in this JVM.
            System.setProperty("jmh.ignoreLock", "true");
        }
        Instant started = Instant.now();
        Map<String, Object> machine = MachineProbe.describe(Path.of(System.getProperty("java.io.tmpdir")));
        writeMachine(outDir, profile, command, started, null, machine, List.of());
        progress.printf("keel bench: profile %s, %d group(s), results in %s%n", profile.id(), groups.size(), outDir);
        List<GroupOutcome> outcomes = new ArrayList<>();
        int n = 0;
        for (BenchmarkGroup group : groups) {
            n++;
            Path file = outDir.resolve(group.resultFile());
            progress.printf("%n== [%d/%d] %s (%s), %s elapsed so far ==%n", n, groups.size(), group.id(),
                    group.className(), format(Duration.between(started, Instant.now())));
            Instant t0 = Instant.now();
            String failure = null;
            try {
                Files.deleteIfExists(file);
                new Runner(options(profile, group, file)).run();
                dropRawHistograms(file);
            } catch (RunnerException | RuntimeException e) {
                failure = describe(e);
                if (Files.isRegularFile(file) && Files.size(file) == 0) {
                    // JMH leaves an empty file behind when a run fails before any result.
                    Files.delete(file);
                }
            }
            GroupOutcome outcome = new GroupOutcome(group, file, Duration.between(t0, Instant.now()), failure);
            outcomes.add(outcome);
            progress.printf("== %s %s in %s%s ==%n", group.id(), outcome.passed() ? "done" : "FAILED",
                    format(outcome.elapsed()), outcome.passed() ? ", JSON " + file : ": " + failure);
            writeMachine(outDir, profile, command, started, null, machine, outcomes);
        }
        Instant finished = Instant.now();
        writeMachine(outDir, profile, command, started, finished, machine, outcomes);
        SuiteRun run = new SuiteRun(profile, outDir, outcomes, Duration.between(started, finished));
        progress.printf("%nkeel bench: %s profile finished in %s; %d of %d group(s) passed%n", profile.id(),
                format(run.elapsed()), outcomes.stream().filter(GroupOutcome::passed).count(), outcomes.size());
        return run;
    }

    /**
     * @param profile the profile
     * @param group the group
     * @param resultFile where JMH writes the group's JSON
     * @return the JMH options of that group's run
     */
    public static Options options(Profile profile, BenchmarkGroup group, Path resultFile) {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(group.includePattern())
                .resultFormat(ResultFormatType.JSON)
                .result(resultFile.toString())
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL);
        return profile.settings(group).applyTo(b).build();
    }

    /**
     * Rewrites a JMH JSON file without its {@code rawDataHistogram} entries: sample-time runs store
     * every latency sample there (megabytes per file), while the report reads only the scores and
     * percentiles JMH also writes.
     *
     * @param file a JMH JSON result file (nothing happens if it does not exist)
     * @throws IOException if it cannot be read or written
     * @throws IllegalArgumentException if it is not JSON
     */
    public static void dropRawHistograms(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return;
        }
        Object document = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        dropKey(document, "rawDataHistogram");
        Files.writeString(file, Json.write(document), StandardCharsets.UTF_8);
    }

    private static void dropKey(Object value, String key) {
        if (value instanceof Map<?, ?> map) {
            map.remove(key);
            map.values().forEach(v -> dropKey(v, key));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> dropKey(v, key));
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append("; caused by ").append(c);
        }
        return sb.toString().replace('\n', ' ');
    }

    private static void writeMachine(Path outDir, Profile profile, String command, Instant started, Instant finished,
                                     Map<String, Object> machine, List<GroupOutcome> outcomes) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("profile", profile.id());
        doc.put("command", command);
        doc.put("started", started.truncatedTo(ChronoUnit.SECONDS).toString());
        doc.put("finished", finished == null ? null : finished.truncatedTo(ChronoUnit.SECONDS).toString());
        doc.put("revision", revision());
        doc.put("machine", machine);
        doc.put("loadAverageAtEnd", finished == null ? null : MachineProbe.loadAverage());
        List<Object> groups = new ArrayList<>();
        for (GroupOutcome o : outcomes) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("group", o.group().id());
            g.put("class", o.group().className());
            g.put("file", o.resultFile().getFileName().toString());
            g.put("seconds", (double) o.elapsed().toMillis() / 1000.0);
            g.put("status", o.passed() ? "passed" : "failed");
            g.put("failure", o.failure());
            groups.add(g);
        }
        doc.put("groups", groups);
        Path tmp = outDir.resolve(ResultSet.MACHINE_FILE + ".tmp");
        Files.writeString(tmp, Json.write(doc), StandardCharsets.UTF_8);
        Files.move(tmp, outDir.resolve(ResultSet.MACHINE_FILE), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The checked-out revision, if this is a git work tree; "unknown" otherwise. */
    private static String revision() {
        List<String> out = MachineProbe.run("git", "describe", "--always", "--dirty");
        return out.isEmpty() ? MachineProbe.UNKNOWN : out.get(0).trim();
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 60 ? (s / 60) + "m " + (s % 60) + "s" : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
