package dev.keel.benchmarks.report;

import dev.keel.benchmarks.suite.BenchmarkGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.CategoryChart;

/**
 * Cold start against snapshot size: restore, skip-FULL and skip-HEADER, with the raw read +
 * CRC32C of the same file as skip-FULL's ceiling, the slower of hashing and SST ingestion as
 * restore's, and row-by-row put as restore's peer. Lower is better: the chart draws each target
 * as the longest time that meets it.
 */
final class ColdStartFigure implements Figure {
    static final double SKIP_HEADER_MAX_MS = 50;
    static final double SKIP_FULL_MIN = 0.70;
    static final double RESTORE_MIN = 0.70;
    static final double RESTORE_VS_PUT_MIN = 5.0;
    /** "Flat in size": from the smallest to the largest snapshot, at most this factor ... */
    static final double FLAT_FACTOR = 2.0;
    /** ... or at most this many milliseconds more (sub-millisecond times are noise-bound). */
    static final double FLAT_SLACK_MS = 1.0;

    private static final String CLASS = BenchmarkGroup.COLD_START.className();

    @Override
    public BenchmarkGroup group() {
        return BenchmarkGroup.COLD_START;
    }

    /** One snapshot size's times, in milliseconds; empty where the run has no result. */
    private record Times(String size, Optional<Double> restore, Optional<Double> skipFull, Optional<Double> skipHeader,
                         Optional<Double> raw, Optional<Double> hashing, Optional<Double> ingest,
                         Optional<Double> rowByRow) {
        static Times of(ResultSet r, String size) {
            return new Times(size, ms(r, "restore", size), ms(r, "skipFull", size), ms(r, "skipHeader", size),
                    ms(r, "rawReadCrc32c", size), ms(r, "hashingCeiling", size), ms(r, "sstIngestCeiling", size),
                    ms(r, "rowByRowPut", size));
        }

        private static Optional<Double> ms(ResultSet r, String method, String size) {
            return r.find(CLASS, method, "ss", Map.of("size", size)).map(JmhScore::millis);
        }

        /** The slower of the two restore ceilings. */
        Optional<Double> ceiling() {
            return hashing.flatMap(h -> ingest.map(i -> Math.max(h, i)));
        }

        /** The longest restore that meets both restore targets. */
        Optional<Double> restoreTarget() {
            return ceiling().flatMap(c -> rowByRow.map(p -> Math.min(c / RESTORE_MIN, p / RESTORE_VS_PUT_MIN)));
        }
    }

    @Override
    public List<Row> rows(ResultSet results) {
        List<String> sizes = results.paramValues(CLASS, "size");
        List<Row> rows = new ArrayList<>();
        if (sizes.isEmpty()) {
            rows.add(Row.noData(group(), "skip-HEADER", "≤ 50 ms, flat in size"));
            rows.add(Row.noData(group(), "skip-FULL vs raw read + CRC32C", "≥ 70%"));
            rows.add(Row.noData(group(), "restore vs its ceiling", "≥ 70%"));
            rows.add(Row.noData(group(), "restore vs row-by-row put", "≥ 5×"));
            return rows;
        }
        for (String size : sizes) {
            Times t = Times.of(results, size);
            String mib = ", " + size + " MiB";
            rows.add(t.skipHeader.map(h -> new Row(group(), "skip-HEADER" + mib, Quantities.millis(h), Row.NONE, Row.NONE,
                            "≤ 50 ms", Verdict.atMost(h, SKIP_HEADER_MAX_MS)))
                    .orElse(Row.noData(group(), "skip-HEADER" + mib, "≤ 50 ms")));
            rows.add(t.skipFull.flatMap(f -> t.raw.map(raw -> new Row(group(), "skip-FULL" + mib, Quantities.millis(f),
                            "raw read + CRC32C " + Quantities.millis(raw), Quantities.percent(raw / f), "≥ 70%",
                            Verdict.atLeast(raw / f, SKIP_FULL_MIN))))
                    .orElse(Row.noData(group(), "skip-FULL" + mib, "≥ 70%")));
            rows.add(t.restore.flatMap(r -> t.ceiling().map(c -> new Row(group(), "restore vs its ceiling" + mib,
                            Quantities.millis(r), "slower of hashing " + Quantities.millis(t.hashing.orElseThrow())
                                    + " and SST ingest " + Quantities.millis(t.ingest.orElseThrow()),
                            Quantities.percent(c / r), "≥ 70%", Verdict.atLeast(c / r, RESTORE_MIN))))
                    .orElse(Row.noData(group(), "restore vs its ceiling" + mib, "≥ 70%")));
            rows.add(t.restore.flatMap(r -> t.rowByRow.map(p -> new Row(group(), "restore vs row-by-row put" + mib,
                            Quantities.millis(r), "row-by-row put " + Quantities.millis(p), Quantities.times(p / r), "≥ 5×",
                            Verdict.atLeast(p / r, RESTORE_VS_PUT_MIN))))
                    .orElse(Row.noData(group(), "restore vs row-by-row put" + mib, "≥ 5×")));
        }
        if (sizes.size() >= 2) {
            String small = sizes.get(0);
            String large = sizes.get(sizes.size() - 1);
            String figure = "skip-HEADER flat in size, " + small + " → " + large + " MiB";
            String target = "≤ " + Quantities.times(FLAT_FACTOR) + " or ≤ +1 ms";
            Optional<Double> a = Times.of(results, small).skipHeader;
            Optional<Double> b = Times.of(results, large).skipHeader;
            rows.add(a.flatMap(x -> b.map(y -> new Row(group(), figure, Quantities.millis(y),
                            "at " + small + " MiB " + Quantities.millis(x), Quantities.times(y / x), target,
                            y <= x * FLAT_FACTOR || y - x <= FLAT_SLACK_MS ? Verdict.MET : Verdict.MISSED)))
                    .orElse(Row.noData(group(), figure, target)));
        }
        return rows;
    }

    @Override
    public List<Path> draw(ResultSet results, Path dir) throws IOException {
        List<String> sizes = results.paramValues(CLASS, "size");
        if (sizes.isEmpty()) {
            return List.of();
        }
        CategoryChart chart = Charts.lines("Cold start: time to the effective applied index (lower is better)",
                "snapshot size", "milliseconds", true);
        List<Times> times = sizes.stream().map(s -> Times.of(results, s)).toList();
        List<String> x = sizes.stream().map(s -> s + " MiB").toList();
        Charts.measured(chart, "restore", x, Charts.orNull(times.stream().map(Times::restore).toList()), Charts.KEEL);
        Charts.measured(chart, "skip-FULL", x, Charts.orNull(times.stream().map(Times::skipFull).toList()), Charts.SECOND);
        Charts.measured(chart, "skip-HEADER", x, Charts.orNull(times.stream().map(Times::skipHeader).toList()),
                Charts.THIRD);
        Charts.ceiling(chart, "raw read + CRC32C (skip-FULL's ceiling)", x,
                Charts.orNull(times.stream().map(Times::raw).toList()), Charts.CEILING);
        Charts.target(chart, "target: restore (ceiling ÷ 0.7 and row-by-row ÷ 5)", x,
                Charts.orNull(times.stream().map(Times::restoreTarget).toList()), Charts.KEEL);
        Charts.target(chart, "target: skip-FULL (raw ÷ 0.7)", x,
                Charts.orNull(times.stream().map(t -> t.raw.map(raw -> raw / SKIP_FULL_MIN)).toList()), Charts.SECOND);
        Charts.target(chart, "target: skip-HEADER (50 ms)", x,
                times.stream().map(t -> SKIP_HEADER_MAX_MS).toList(), Charts.THIRD);
        return List.of(Charts.save(chart, dir, "cold-start.svg"));
    }
}
