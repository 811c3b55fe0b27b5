package dev.keel.storage.flatkv.lthash;

/**
 * Seeds for the randomised tests: fresh each run (so every build explores new cases), printed,
 * and fixed by {@code -Dkeel.test.seed=<n>} to reproduce a failure.
 */
final class TestSeeds {

    private TestSeeds() {
    }

    static long seed(String test) {
        String fixed = System.getProperty("keel.test.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        System.out.println(test + ": seed " + seed + " (rerun with -Dkeel.test.seed=" + seed + ")");
        return seed;
    }
}
