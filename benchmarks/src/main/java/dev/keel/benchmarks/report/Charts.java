package dev.keel.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's chart style: one size, one palette, measured series solid with markers, ceilings
 * and comparators dotted, targets dashed with a tick at each value, legend at the right; saved as
 * SVG through XChart's vector encoder.
 */
final class Charts {
    static {
        // Charts are drawn off screen, also on machines without a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final Color KEEL = new Color(0x1f77b4);
    static final Color SECOND = new Color(0xff7f0e);
    static final Color THIRD = new Color(0x2ca02c);
    static final Color FOURTH = new Color(0x9467bd);
    static final Color CEILING = new Color(0x7f7f7f);
    static final Color TARGET = new Color(0xd62728);

    private static final Pattern DECIMALS = Pattern.compile("(\\d\\.\\d{2})\\d+");
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 500;

    private Charts() {
    }

    /**
     * A line chart over categories (sizes, writer counts), evenly spaced whatever their values,
     * every series centred on its category.
     */
    static CategoryChart lines(String title, String xTitle, String yTitle, boolean logY) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        return chart;
    }

    /** A bar chart. */
    static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setAvailableSpaceFill(0.7);
        return chart;
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xdddddd));
        s.setChartTitleBoxVisible(false);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        s.setLegendBorderColor(Color.WHITE);
        // Long enough for a bar chart's target tick, which the legend draws as its sample.
        s.setLegendSeriesLineLength(44);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setMarkerSize(7);
        s.setAntiAlias(true);
    }

    /** A measured series: solid line with markers; null values are gaps; nothing if all are null. */
    static void measured(CategoryChart chart, String name, List<String> categories, List<Double> values, Color color) {
        line(chart, name, categories, values, color, SeriesLines.SOLID, SeriesMarkers.CIRCLE);
    }

    /** A ceiling or comparator: dotted line with small diamonds; nothing if all values are null. */
    static void ceiling(CategoryChart chart, String name, List<String> categories, List<Double> values, Color color) {
        line(chart, name, categories, values, color, SeriesLines.DOT_DOT, SeriesMarkers.DIAMOND);
    }

    /** A target: dashed line with a tick at each value; nothing if all values are null. */
    static void target(CategoryChart chart, String name, List<String> categories, List<Double> values, Color color) {
        line(chart, name, categories, values, color, SeriesLines.DASH_DASH, TargetTick.NARROW);
    }

    private static void line(CategoryChart chart, String name, List<String> categories, List<Double> values, Color color,
                             BasicStroke stroke, Marker marker) {
        if (values.stream().allMatch(v -> v == null || v.isNaN())) {
            return;
        }
        CategorySeries s = chart.addSeries(name, categories, values);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(marker);
        s.setLineStyle(stroke);
    }

    /** @param values results that may be missing @return them with null for each missing one */
    static List<Double> orNull(List<Optional<Double>> values) {
        List<Double> out = new ArrayList<>(values.size());
        values.forEach(v -> out.add(v.orElse(null)));
        return out;
    }

    /** A bar series. */
    static CategorySeries bar(CategoryChart chart, String name, List<String> categories, List<Double> values, Color color) {
        CategorySeries s = chart.addSeries(name, categories, values);
        s.setFillColor(color);
        return s;
    }

    /**
     * Targets on a bar chart: a tick at each category's centre, at the target's level; a null value
     * means the target does not apply to that category.
     */
    static CategorySeries targetTicks(CategoryChart chart, String name, List<String> categories, List<Double> values,
                                      Color color) {
        CategorySeries s = chart.addSeries(name, categories, values);
        s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        s.setOverlapped(true);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(TargetTick.WIDE);
        return s;
    }

    /**
     * @param chart a chart
     * @param dir the output directory
     * @param fileName its file name, ending in {@code .svg}
     * @return the file written
     * @throws IOException if it cannot be written
     */
    static Path save(Chart<?, ?> chart, Path dir, String fileName) throws IOException {
        Path file = dir.resolve(fileName);
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        // XChart draws text as glyph outlines; coordinates to a hundredth of a pixel look the same
        // and take about half the bytes of the encoder's full precision.
        String text = DECIMALS.matcher(svg.toString(StandardCharsets.UTF_8)).replaceAll("$1");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
