package dev.keel.benchmarks.report;

import dev.keel.benchmarks.suite.BenchmarkGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a results directory (JMH JSON, and {@code machine.json} when a suite run wrote one) into
 * the report: SVG charts, each figure drawn against its ceiling or comparator from the same run
 * with its target, and {@code results.md}, a Markdown table listing every figure, its comparator,
 * the ratio, the target and whether this run met it. Works on any directory of JMH JSON files,
 * including runs made before the suite existed (groups they lack say "no data").
 */
public final class Report {
    /** The Markdown table's file name in the output directory. */
    public static final String TABLE_FILE = "results.md";

    private Report() {
    }

    /**
     * What a render wrote.
     *
     * @param table the Markdown file
     * @param charts the SVG charts
     * @param rows the table's rows
     */
    public record Rendered(Path table, List<Path> charts, List<Row> rows) {
        /** Copies the lists. */
        public Rendered {
            charts = List.copyOf(charts);
            rows = List.copyOf(rows);
        }
    }

    /** @return one figure per benchmark group, in the groups' order */
    static List<Figure> figures() {
        Map<BenchmarkGroup, Figure> byGroup = new EnumMap<>(BenchmarkGroup.class);
        for (Figure f : List.of(new ColdStartFigure(), new SnapshotExportFigure(), new WalAppendFigure(),
                new CommitThroughputFigure(), new LogicalDigestFigure(), new ParityReplayFigure(), new ProofFigure(),
                new EngineProposalFigure())) {
            byGroup.put(f.group(), f);
        }
        for (BenchmarkGroup g : BenchmarkGroup.values()) {
            if (!byGroup.containsKey(g)) {
                throw new IllegalStateException("the report has no figure for benchmark group " + g.id());
            }
        }
        return List.copyOf(byGroup.values());
    }

    /**
     * @param resultsDir a results directory
     * @param outDir where the charts and {@code results.md} go (created if missing; files of the
     *     same names are replaced)
     * @return what was written
     * @throws ReportException if the results cannot be read (naming the path)
     * @throws IOException if the output cannot be written
     */
    public static Rendered render(Path resultsDir, Path outDir) throws IOException {
        ResultSet results = ResultSet.load(resultsDir);
        Files.createDirectories(outDir);
        List<Row> rows = new ArrayList<>();
        List<Path> charts = new ArrayList<>();
        for (Figure f : figures()) {
            rows.addAll(f.rows(results));
            charts.addAll(f.draw(results, outDir));
        }
        Path table = outDir.resolve(TABLE_FILE);
        Files.writeString(table, markdown(results, rows, charts), StandardCharsets.UTF_8);
        return new Rendered(table, charts, rows);
    }

    static String markdown(ResultSet results, List<Row> rows, List<Path> charts) {
        StringBuilder md = new StringBuilder();
        md.append("# Keel benchmark results\n\n");
        Map<String, Object> machine = results.machine().orElse(null);
        String profile = machine == null ? "unknown" : String.valueOf(machine.get("profile"));
        if (machine != null) {
            md.append("Produced by `").append(machine.get("command")).append("` (profile `").append(profile)
                    .append("`), started ").append(machine.get("started")).append(", finished ")
                    .append(machine.get("finished")).append(", revision `").append(machine.get("revision"))
                    .append("`; JMH JSON in `").append(results.directory()).append("`.\n\n");
            md.append("Machine: ").append(describeMachine(machine)).append(".\n\n");
            for (String failed : failedGroups(machine)) {
                md.append("**Failed group:** ").append(failed).append("\n\n");
            }
        } else {
            md.append("From the JMH JSON in `").append(results.directory())
                    .append("`; the directory has no `machine.json`, so the machine and command are not recorded.\n\n");
        }
        md.append("Each ratio compares two results of the same run. Targets are SPEC section 7's; \"met\" and "
                + "\"MISSED\" judge this run only.");
        if (profile.equals("quick") || profile.equals("smoke")) {
            md.append(" The `").append(profile).append("` profile runs smaller sizes than SPEC section 7 (each "
                    + "figure names its size) and short iterations, so its verdicts are indicative; `./bench full` "
                    + "runs SPEC section 7's sizes.");
        }
        md.append("\n\n");
        md.append("| group | figure | measured | comparator | ratio | target | verdict |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        BenchmarkGroup last = null;
        for (Row r : rows) {
            String group = r.group() == last ? "" : r.group().title() + " (`" + r.group().className() + "`)";
            last = r.group();
            String verdict = r.verdict() == Verdict.MISSED ? "**MISSED**" : r.verdict().label();
            md.append("| ").append(cell(group)).append(" | ").append(cell(r.figure())).append(" | ")
                    .append(cell(r.measured())).append(" | ").append(cell(r.comparator())).append(" | ")
                    .append(cell(r.ratio())).append(" | ").append(cell(r.target())).append(" | ").append(verdict)
                    .append(" |\n");
        }
        long met = rows.stream().filter(r -> r.verdict() == Verdict.MET).count();
        long missed = rows.stream().filter(r -> r.verdict() == Verdict.MISSED).count();
        long noData = rows.stream().filter(r -> r.verdict() == Verdict.NO_DATA).count();
        md.append("\nTargets met: ").append(met).append(" of ").append(met + missed).append(".");
        if (noData > 0) {
            md.append(" Figures without data in this directory: ").append(noData).append('.');
        }
        md.append("\n");
        if (!charts.isEmpty()) {
            md.append("\n## Charts\n\nSolid lines and bars are measured; dotted grey lines are ceilings or "
                    + "comparators from the same run; dashed lines are targets.\n\n");
            for (Path chart : charts) {
                String name = chart.getFileName().toString();
                md.append("![").append(name.replace(".svg", "")).append("](").append(name).append(")\n\n");
            }
        }
        return md.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }

    private static String describeMachine(Map<String, Object> doc) {
        if (!(doc.get("machine") instanceof Map<?, ?> m)) {
            return "not recorded";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(integer(m.get("cores"))).append(" cores (").append(m.get("cpu")).append("), ");
        if (m.get("memoryBytes") instanceof Double bytes) {
            sb.append(String.format(Locale.ROOT, "%.1f GiB memory, ", bytes / (1L << 30)));
        }
        sb.append(m.get("jdk")).append(", ").append(m.get("os"));
        if (m.get("disk") instanceof Map<?, ?> d) {
            sb.append("; temporary files on ").append(d.get("filesystem")).append(" (").append(d.get("type"));
            if (d.get("device") != null) {
                sb.append(", device ").append(d.get("device")).append(", driver ").append(d.get("driver"))
                        .append(", rotational ").append(d.get("rotational"));
            }
            if (d.get("sizeBytes") instanceof Double size) {
                sb.append(String.format(Locale.ROOT, ", %.0f GiB", size / (1L << 30)));
            }
            sb.append(')');
        }
        sb.append("; load average ").append(m.get("loadAverage")).append(" at the start");
        if (doc.get("loadAverageAtEnd") != null) {
            sb.append(", ").append(doc.get("loadAverageAtEnd")).append(" at the end");
        }
        return sb.toString();
    }

    private static List<String> failedGroups(Map<String, Object> doc) {
        List<String> failed = new ArrayList<>();
        if (doc.get("groups") instanceof List<?> groups) {
            for (Object g : groups) {
                if (g instanceof Map<?, ?> m && "failed".equals(m.get("status"))) {
                    failed.add(m.get("group") + ": " + m.get("failure"));
                }
            }
        }
        return failed;
    }

    private static String integer(Object v) {
        return v instanceof Double d ? String.valueOf(d.longValue()) : String.valueOf(v);
    }
}
