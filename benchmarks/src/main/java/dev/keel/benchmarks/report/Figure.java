package dev.keel.benchmarks.report;

import dev.keel.benchmarks.suite.BenchmarkGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the report makes of one benchmark group: table rows (each figure against its ceiling or
 * comparator from the same run, and its target) and charts. A figure copes with missing results:
 * rows say "no data", and a chart is drawn only from what is there.
 */
interface Figure {
    /** @return the group this figure reads */
    BenchmarkGroup group();

    /**
     * @param results a run's results
     * @return the group's rows; at least one, "no data" rows when the results lack the group
     */
    List<Row> rows(ResultSet results);

    /**
     * Draws the group's charts as SVG files.
     *
     * @param results a run's results
     * @param dir where the charts go
     * @return the chart files written, possibly none (no results, or a group without charts)
     * @throws IOException if a chart cannot be written
     */
    List<Path> draw(ResultSet results, Path dir) throws IOException;
}
