package dev.keel.parity;

import java.util.concurrent.ThreadLocalRandom;

/** Seeds of randomised tests: {@code -Dkeel.seed=N} reproduces a run; every seed is printed. */
final class Seeds {
    static final String PROPERTY = "keel.seed";

    private Seeds() {
    }

    static long seed(String test) {
        String fixed = System.getProperty(PROPERTY);
        long seed = fixed != null ? Long.parseLong(fixed.trim()) : ThreadLocalRandom.current().nextLong();
        System.out.println(test + ": seed " + seed + (fixed != null ? " (from -D" : " (reproduce with -D")
                + PROPERTY + "=" + seed + ")");
        return seed;
    }
}
