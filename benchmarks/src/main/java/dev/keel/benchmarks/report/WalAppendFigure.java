package dev.keel.benchmarks.report;

import dev.keel.benchmarks.suite.BenchmarkGroup;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.CategoryChart;

/**
 * Durable appends per second against writers, per entry size: Keel's WAL, RocksDB with
 * {@code sync=true} and SOFAJRaft's log store (when present), with the device ceiling (writers ×
 * the force rate of a preallocated file, same run) and the two targets: ≥ 50% of that ceiling and
 * ≥ 1.5× RocksDB at 16 writers.
 */
final class WalAppendFigure implements Figure {
    static final int[] WRITERS = {1, 4, 16};
    static final double CEILING_MIN = 0.50;
    static final double ROCKSDB_MIN = 1.5;
    private static final String CLASS = BenchmarkGroup.WAL_APPEND.className();

    /** A log store of the benchmark, by method prefix. */
    private enum Store {
        KEEL("keelWal", "Keel WAL"),
        ROCKSDB("rocksDbSync", "RocksDB sync=true"),
        JRAFT("jraftRocksDbLog", "SOFAJRaft RocksDBLogStorage");

        final String prefix;
        final String label;

        Store(String prefix, String label) {
            this.prefix = prefix;
            this.label = label;
        }

        Optional<JmhScore> score(ResultSet r, String mode, int writers, String entryBytes) {
            return r.find(CLASS, String.format("%s_t%02d", prefix, writers), mode, Map.of("entryBytes", entryBytes));
        }

        Optional<Double> rate(ResultSet r, int writers, String entryBytes) {
            return score(r, "thrpt", writers, entryBytes).map(JmhScore::perSecond);
        }
    }

    @Override
    public BenchmarkGroup group() {
        return BenchmarkGroup.WAL_APPEND;
    }

    private static Optional<Double> forceRate(ResultSet r, String entryBytes) {
        return r.find(CLASS, "forceCeiling", "thrpt", Map.of("entryBytes", entryBytes)).map(JmhScore::perSecond);
    }

    @Override
    public List<Row> rows(ResultSet results) {
        List<String> sizes = results.paramValues(CLASS, "entryBytes");
        if (sizes.isEmpty()) {
            return List.of(Row.noData(group(), "Keel WAL vs RocksDB, 16 writers", "≥ 1.5×"),
                    Row.noData(group(), "Keel WAL vs device ceiling, 16 writers", "≥ 50%"));
        }
        List<Row> rows = new ArrayList<>();
        for (String size : sizes) {
            String suffix = ", 16 writers, " + size + " B";
            Optional<Double> keel = Store.KEEL.rate(results, 16, size);
            Optional<Double> rocks = Store.ROCKSDB.rate(results, 16, size);
            Optional<Double> jraft = Store.JRAFT.rate(results, 16, size);
            Optional<Double> force = forceRate(results, size);
            rows.add(keel.flatMap(k -> rocks.map(r -> new Row(group(), "Keel WAL vs RocksDB" + suffix,
                            Quantities.rate(k, "appends/s"), "RocksDB sync=true " + Quantities.rate(r, "appends/s"),
                            Quantities.times(k / r), "≥ 1.5×", Verdict.atLeast(k / r, ROCKSDB_MIN))))
                    .orElse(Row.noData(group(), "Keel WAL vs RocksDB" + suffix, "≥ 1.5×")));
            if (jraft.isPresent()) {
                rows.add(keel.map(k -> new Row(group(), "Keel WAL vs SOFAJRaft" + suffix, Quantities.rate(k, "appends/s"),
                                "SOFAJRaft " + Quantities.rate(jraft.get(), "appends/s"), Quantities.times(k / jraft.get()),
                                Row.NONE, Verdict.NO_TARGET))
                        .orElse(Row.noData(group(), "Keel WAL vs SOFAJRaft" + suffix, Row.NONE)));
            }
            rows.add(keel.flatMap(k -> force.map(f -> new Row(group(), "Keel WAL vs device ceiling" + suffix,
                            Quantities.rate(k, "appends/s"),
                            "16 × force rate " + Quantities.perSecond(f) + " = " + Quantities.perSecond(16 * f),
                            Quantities.percent(k / (16 * f)), "≥ 50%", Verdict.atLeast(k / (16 * f), CEILING_MIN))))
                    .orElse(Row.noData(group(), "Keel WAL vs device ceiling" + suffix, "≥ 50%")));
            latency(results, size).ifPresent(rows::add);
        }
        return rows;
    }

    /** p50 / p99 at 16 writers from the sample-time run, Keel against RocksDB; only if it ran. */
    private Optional<Row> latency(ResultSet results, String size) {
        Optional<String> keel = percentiles(results, Store.KEEL, size);
        if (keel.isEmpty()) {
            return Optional.empty();
        }
        String peers = percentiles(results, Store.ROCKSDB, size).map(p -> "RocksDB " + p).orElse(Row.NONE);
        return Optional.of(new Row(group(), "Keel WAL latency p50 / p99, 16 writers, " + size + " B", keel.get(), peers,
                Row.NONE, Row.NONE, Verdict.NO_TARGET));
    }

    private static Optional<String> percentiles(ResultSet results, Store store, String size) {
        return store.score(results, "sample", 16, size).flatMap(s -> s.percentileMicros("50.0")
                .flatMap(p50 -> s.percentileMicros("99.0").map(p99 -> Quantities.micros(p50) + " / "
                        + Quantities.micros(p99))));
    }

    @Override
    public List<Path> draw(ResultSet results, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> x = Arrays.stream(WRITERS).mapToObj(String::valueOf).toList();
        for (String size : results.paramValues(CLASS, "entryBytes")) {
            CategoryChart chart = Charts.lines("Durable appends, " + size + " B entries, each writer waiting for its ack",
                    "writers", "acknowledged appends per second", true);
            Color[] colors = {Charts.KEEL, Charts.SECOND, Charts.THIRD};
            for (Store store : Store.values()) {
                List<Optional<Double>> y = new ArrayList<>();
                for (int w : WRITERS) {
                    y.add(store.rate(results, w, size));
                }
                Charts.measured(chart, store.label, x, Charts.orNull(y), colors[store.ordinal()]);
            }
            Optional<Double> force = forceRate(results, size);
            List<Optional<Double>> ceiling = new ArrayList<>();
            List<Optional<Double>> half = new ArrayList<>();
            List<Optional<Double>> rocks = new ArrayList<>();
            for (int w : WRITERS) {
                ceiling.add(force.map(f -> f * w));
                half.add(force.map(f -> f * w * CEILING_MIN));
                rocks.add(Store.ROCKSDB.rate(results, w, size).map(r -> r * ROCKSDB_MIN));
            }
            Charts.ceiling(chart, "device ceiling: writers × force rate", x, Charts.orNull(ceiling), Charts.CEILING);
            Charts.target(chart, "target: 50% of the ceiling", x, Charts.orNull(half), Charts.TARGET);
            Charts.target(chart, "target: 1.5× RocksDB (at 16 writers)", x, Charts.orNull(rocks), Charts.SECOND);
            if (chart.getSeriesMap().isEmpty()) {
                continue;
            }
            files.add(Charts.save(chart, dir, "wal-append-" + size + ".svg"));
        }
        return files;
    }
}
