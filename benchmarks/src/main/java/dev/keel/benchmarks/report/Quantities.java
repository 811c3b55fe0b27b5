package dev.keel.benchmarks.report;

import java.util.Locale;

/** How the report writes numbers: rates, times, ratios and sizes, always in the same style. */
final class Quantities {
    private Quantities() {
    }

    /** @param perSecond a rate @param unit what is counted, e.g. "keys/s" @return e.g. {@code 90,841 keys/s} */
    static String rate(double perSecond, String unit) {
        String n = perSecond >= 100 ? String.format(Locale.ROOT, "%,.0f", perSecond)
                : String.format(Locale.ROOT, "%.1f", perSecond);
        return n + " " + unit;
    }

    /** @param perSecond a rate @return e.g. {@code 4,036/s} */
    static String perSecond(double perSecond) {
        return rate(perSecond, "").trim() + "/s";
    }

    /** @param ms milliseconds @return e.g. {@code 0.30 ms}, {@code 9.08 ms}, {@code 324.5 ms} */
    static String millis(double ms) {
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%,.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%,.0f ms", ms);
    }

    /** @param micros microseconds @return e.g. {@code 220 µs} */
    static String micros(double micros) {
        return micros < 10 ? String.format(Locale.ROOT, "%.1f \u00b5s", micros)
                : String.format(Locale.ROOT, "%,.0f \u00b5s", micros);
    }

    /** @param fraction a ratio @return e.g. {@code 71%} */
    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    /** @param factor a ratio @return e.g. {@code 2.7×} */
    static String times(double factor) {
        return factor >= 10 ? String.format(Locale.ROOT, "%.0f\u00d7", factor)
                : String.format(Locale.ROOT, "%.2f\u00d7", factor);
    }

    /** @param count a key or record count @return e.g. {@code 1M}, {@code 100k}, {@code 2,000} */
    static String count(String count) {
        try {
            long n = Long.parseLong(count);
            if (n >= 1_000_000 && n % 1_000_000 == 0) {
                return n / 1_000_000 + "M";
            }
            if (n >= 10_000 && n % 1_000 == 0) {
                return n / 1_000 + "k";
            }
            return String.format(Locale.ROOT, "%,d", n);
        } catch (NumberFormatException e) {
            return count;
        }
    }
}
