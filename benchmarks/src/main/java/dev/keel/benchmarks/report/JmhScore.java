package dev.keel.benchmarks.report;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One JMH result: a benchmark method in one mode with one set of parameters, its primary score
 * and, for sample-time runs, its percentiles. Read from JMH's JSON result format.
 *
 * @param className the benchmark class's simple name ({@code ColdStartBenchmark})
 * @param method the benchmark method ({@code restore})
 * @param mode JMH's short mode name: {@code thrpt}, {@code avgt}, {@code sample} or {@code ss}
 * @param threads threads that ran it
 * @param params its {@code @Param} values, by name (empty if it has none)
 * @param score the primary score, in {@code unit}
 * @param error the 99.9% confidence half-width, in {@code unit}; NaN if JMH could not compute it
 * @param unit the score's unit as JMH writes it ({@code ops/s}, {@code ms/op}, {@code s/op}, ...)
 * @param percentiles the score distribution's percentiles ("50.0", "99.0", ...), in {@code unit}
 * @param source the file it was read from
 */
public record JmhScore(String className, String method, String mode, int threads, Map<String, String> params,
                       double score, double error, String unit, Map<String, Double> percentiles, Path source) {

    /** Copies the maps. */
    public JmhScore {
        params = Map.copyOf(params);
        percentiles = Map.copyOf(percentiles);
    }

    /**
     * @return the score as operations per second
     * @throws ReportException if the unit is not a rate
     */
    public double perSecond() {
        return score * ratePerSecond(unit);
    }

    /**
     * @return the score as milliseconds per operation
     * @throws ReportException if the unit is not a time per operation
     */
    public double millis() {
        return score * secondsPerOperation(unit) * 1e3;
    }

    /**
     * @param percentile JMH's key, e.g. {@code "99.0"}
     * @return that percentile in microseconds, if the result has it (sample-time runs)
     */
    public Optional<Double> percentileMicros(String percentile) {
        Double v = percentiles.get(percentile);
        return v == null ? Optional.empty() : Optional.of(v * secondsPerOperation(unit) * 1e6);
    }

    /**
     * @param name a parameter
     * @return its value in this result, if the benchmark has that parameter
     */
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    private double ratePerSecond(String u) {
        if (!u.startsWith("ops/")) {
            throw new ReportException(source, className + "." + method + " is in " + u + ", not a rate");
        }
        return 1.0 / seconds(u.substring("ops/".length()));
    }

    private double secondsPerOperation(String u) {
        if (!u.endsWith("/op")) {
            throw new ReportException(source, className + "." + method + " is in " + u + ", not a time per operation");
        }
        return seconds(u.substring(0, u.length() - "/op".length()));
    }

    private double seconds(String timeUnit) {
        return switch (timeUnit.toLowerCase(Locale.ROOT)) {
            case "ns" -> 1e-9;
            case "us", "\u00b5s" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            case "hr" -> 3600;
            case "day" -> 86400;
            default -> throw new ReportException(source, "unknown time unit '" + timeUnit + "' in " + unit);
        };
    }
}
