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
 * Commit throughput in keys per second: flatkv and tree against the absolute target (140k keys/s,
 * memIAVL's figure), flatkv against its hashing ceiling (≥ 80%), plain RocksDB write batches for
 * reference. One bar series per {@code sync} setting in the run.
 */
final class CommitThroughputFigure implements Figure {
    static final double KEYS_PER_SECOND_MIN = 140_000;
    static final double HASHING_MIN = 0.80;
    private static final String CLASS = BenchmarkGroup.COMMIT_THROUGHPUT.className();

    @Override
    public BenchmarkGroup group() {
        return BenchmarkGroup.COMMIT_THROUGHPUT;
    }

    private static Optional<JmhScore> score(ResultSet r, String method, String sync) {
        return r.find(CLASS, method, "thrpt", Map.of("sync", sync));
    }

    private static Optional<Double> hashing(ResultSet r) {
        return r.find(CLASS, "hashingCeiling", "thrpt", Map.of()).map(JmhScore::perSecond);
    }

    private static String syncLabel(String sync) {
        return "true".equals(sync) ? "sync on" : "sync off";
    }

    @Override
    public List<Row> rows(ResultSet results) {
        List<String> syncs = results.paramValues(CLASS, "sync");
        if (syncs.isEmpty()) {
            return List.of(Row.noData(group(), "flatkv commit", "≥ 140k keys/s"),
                    Row.noData(group(), "flatkv vs hashing ceiling", "≥ 80%"),
                    Row.noData(group(), "tree commit", "≥ 140k keys/s"));
        }
        List<Row> rows = new ArrayList<>();
        Optional<Double> hashing = hashing(results);
        for (String sync : syncs) {
            Optional<JmhScore> flat = score(results, "flatkvCommit", sync);
            Optional<JmhScore> tree = score(results, "treeCommit", sync);
            Optional<JmhScore> rocks = score(results, "rocksdbWriteBatch", sync);
            String preload = flat.or(() -> tree).flatMap(s -> s.param("preload")).map(Quantities::count).orElse("?");
            String suffix = ", " + syncLabel(sync) + ", " + preload + " keys";
            rows.add(absolute("flatkv commit" + suffix, flat));
            rows.add(flat.flatMap(f -> hashing.map(h -> new Row(group(), "flatkv vs hashing ceiling" + suffix,
                            Quantities.rate(f.perSecond(), "keys/s"), "hashing ceiling " + Quantities.rate(h, "updates/s"),
                            Quantities.percent(f.perSecond() / h), "≥ 80%", Verdict.atLeast(f.perSecond() / h, HASHING_MIN))))
                    .orElse(Row.noData(group(), "flatkv vs hashing ceiling" + suffix, "≥ 80%")));
            rows.add(absolute("tree commit" + suffix, tree));
            rocks.ifPresent(r -> rows.add(new Row(group(), "plain RocksDB WriteBatch" + suffix,
                    Quantities.rate(r.perSecond(), "keys/s"), Row.NONE, Row.NONE, Row.NONE, Verdict.NO_TARGET)));
        }
        return rows;
    }

    private Row absolute(String figure, Optional<JmhScore> score) {
        return score.map(s -> new Row(group(), figure, Quantities.rate(s.perSecond(), "keys/s"), Row.NONE,
                        Quantities.percent(s.perSecond() / KEYS_PER_SECOND_MIN) + " of target", "≥ 140,000 keys/s",
                        Verdict.atLeast(s.perSecond(), KEYS_PER_SECOND_MIN)))
                .orElse(Row.noData(group(), figure, "≥ 140,000 keys/s"));
    }

    @Override
    public List<Path> draw(ResultSet results, Path dir) throws IOException {
        List<String> syncs = results.paramValues(CLASS, "sync");
        if (syncs.isEmpty()) {
            return List.of();
        }
        List<String> categories = List.of("flatkv commit", "tree commit", "hashing ceiling", "RocksDB WriteBatch");
        double hashing = hashing(results).orElse(0.0);
        CategoryChart chart = Charts.bars("Commit throughput: blocks of 2,000 updates", "", "keys per second");
        Color[] colors = {Charts.KEEL, Charts.FOURTH};
        int i = 0;
        for (String sync : syncs) {
            List<Double> values = List.of(rate(score(results, "flatkvCommit", sync)),
                    rate(score(results, "treeCommit", sync)), hashing, rate(score(results, "rocksdbWriteBatch", sync)));
            Charts.bar(chart, syncLabel(sync), categories, values, colors[i++ % colors.length]);
        }
        Charts.targetTicks(chart, "target: 140k keys/s", categories,
                Arrays.asList(KEYS_PER_SECOND_MIN, KEYS_PER_SECOND_MIN, null, null), Charts.TARGET);
        if (hashing > 0) {
            Charts.targetTicks(chart, "target: 80% of the hashing ceiling", categories,
                    Arrays.asList(hashing * HASHING_MIN, null, null, null), Charts.SECOND);
        }
        return List.of(Charts.save(chart, dir, "commit-throughput.svg"));
    }

    private static double rate(Optional<JmhScore> s) {
        return s.map(JmhScore::perSecond).orElse(0.0);
    }
}
