package dev.keel.benchmarks.report;

import dev.keel.benchmarks.suite.BenchmarkGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ICS23 proofs generated and verified per second; table rows only, there is no target. */
final class ProofFigure implements Figure {
    private static final String CLASS = BenchmarkGroup.PROOFS.className();
    private static final String[][] METHODS = {
        {"proveExistence", "prove existence"},
        {"proveNonExistence", "prove non-existence"},
        {"verifyExistence", "verify existence"},
        {"verifyNonExistence", "verify non-existence"},
    };

    @Override
    public BenchmarkGroup group() {
        return BenchmarkGroup.PROOFS;
    }

    @Override
    public List<Row> rows(ResultSet results) {
        List<Row> rows = new ArrayList<>();
        for (String[] m : METHODS) {
            Optional<JmhScore> s = results.find(CLASS, m[0], "thrpt", Map.of());
            String keys = s.flatMap(x -> x.param("keys")).map(Quantities::count).orElse("?");
            rows.add(s.map(x -> new Row(group(), m[1] + ", tree of " + keys + " keys",
                            Quantities.rate(x.perSecond(), "proofs/s"), Row.NONE, Row.NONE, Row.NONE, Verdict.NO_TARGET))
                    .orElse(Row.noData(group(), m[1], Row.NONE)));
        }
        return rows;
    }

    @Override
    public List<Path> draw(ResultSet results, Path dir) {
        return List.of();
    }
}
