package dev.keel.benchmarks.suite;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What a profile changes in one group's JMH run; anything left unset keeps the value of the
 * benchmark class's annotations. Immutable.
 *
 * @param params parameter values replacing the {@code @Param} defaults, by parameter name
 * @param warmupIterations warm-up iterations, or null
 * @param warmupTime warm-up iteration time, or null (ignored by single-shot benchmarks)
 * @param measurementIterations measurement iterations, or null
 * @param measurementTime measurement iteration time, or null (ignored by single-shot benchmarks)
 * @param forks forks, or null; 0 runs in this JVM
 * @param operationsPerInvocation operations per invocation, or null
 * @param modes benchmark modes replacing the annotated ones; empty keeps them
 */
public record RunSettings(Map<String, List<String>> params, Integer warmupIterations, TimeValue warmupTime,
                          Integer measurementIterations, TimeValue measurementTime, Integer forks,
                          Integer operationsPerInvocation, List<Mode> modes) {

    /** Copies the collections. */
    public RunSettings {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        modes = List.copyOf(modes);
    }

    /** @return settings that change nothing */
    public static RunSettings annotated() {
        return new RunSettings(Map.of(), null, null, null, null, null, null, List.of());
    }

    /**
     * @param name a {@code @Param} field
     * @param values the values to run instead of the annotated ones
     * @return a copy with that parameter set
     */
    public RunSettings param(String name, String... values) {
        Map<String, List<String>> p = new LinkedHashMap<>(params);
        p.put(name, List.of(values));
        return new RunSettings(p, warmupIterations, warmupTime, measurementIterations, measurementTime, forks,
                operationsPerInvocation, modes);
    }

    /**
     * @param iterations warm-up iterations
     * @param seconds seconds per warm-up iteration (0: leave the annotated time)
     * @return a copy with that warm-up
     */
    public RunSettings warmup(int iterations, double seconds) {
        return new RunSettings(params, iterations, seconds > 0 ? millis(seconds) : warmupTime, measurementIterations,
                measurementTime, forks, operationsPerInvocation, modes);
    }

    /**
     * @param iterations measurement iterations
     * @param seconds seconds per measurement iteration (0: leave the annotated time)
     * @return a copy with that measurement
     */
    public RunSettings measurement(int iterations, double seconds) {
        return new RunSettings(params, warmupIterations, warmupTime, iterations,
                seconds > 0 ? millis(seconds) : measurementTime, forks, operationsPerInvocation, modes);
    }

    /** @param n forks (0 runs in this JVM) @return a copy with that fork count */
    public RunSettings forks(int n) {
        return new RunSettings(params, warmupIterations, warmupTime, measurementIterations, measurementTime, n,
                operationsPerInvocation, modes);
    }

    /** @param n operations per invocation @return a copy with that count */
    public RunSettings operationsPerInvocation(int n) {
        return new RunSettings(params, warmupIterations, warmupTime, measurementIterations, measurementTime, forks, n,
                modes);
    }

    /** @param only the modes to run @return a copy running only those */
    public RunSettings modes(Mode... only) {
        return new RunSettings(params, warmupIterations, warmupTime, measurementIterations, measurementTime, forks,
                operationsPerInvocation, List.of(only));
    }

    /**
     * Applies these settings to a JMH options builder.
     *
     * @param builder the builder, already selecting the group's benchmarks
     * @return the same builder
     */
    public ChainedOptionsBuilder applyTo(ChainedOptionsBuilder builder) {
        params.forEach((name, values) -> builder.param(name, values.toArray(String[]::new)));
        if (warmupIterations != null) {
            builder.warmupIterations(warmupIterations);
        }
        if (warmupTime != null) {
            builder.warmupTime(warmupTime);
        }
        if (measurementIterations != null) {
            builder.measurementIterations(measurementIterations);
        }
        if (measurementTime != null) {
            builder.measurementTime(measurementTime);
        }
        if (forks != null) {
            builder.forks(forks);
        }
        if (operationsPerInvocation != null) {
            builder.operationsPerInvocation(operationsPerInvocation);
        }
        for (Mode m : modes) {
            builder.mode(m);
        }
        return builder;
    }

    private static TimeValue millis(double seconds) {
        return TimeValue.milliseconds(Math.round(seconds * 1000));
    }
}
