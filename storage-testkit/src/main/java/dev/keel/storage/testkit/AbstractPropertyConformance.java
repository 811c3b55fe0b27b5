package dev.keel.storage.testkit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The store-against-model property, in two forms that share one checker ({@link HistoryChecker}):
 * an operation history (puts, deletes, commits, rollbacks, prunes, reopens, pinned views over a
 * small key space, with a random initial version and window) is fed to two stores and to the
 * {@link ReferenceModel}; each store must match the model after every step, and the two stores must
 * return the same commitment for every version.
 *
 * <ul>
 *   <li>{@code storeMatchesModelOnFuzzedHistory} is a Jazzer {@link FuzzTest}: a normal build
 *       replays its committed corpus (regression mode); {@code JAZZER_FUZZ=1} fuzzes it.</li>
 *   <li>{@code storeMatchesModelOnSeededRandomHistories} runs {@value #DEFAULT_HISTORIES} random
 *       histories of {@value #STEPS} steps in every build. The seed is printed; rerun a failure
 *       with {@code -Dkeel.seed=<seed>}, and run more histories with
 *       {@code -D}{@value #HISTORIES_PROPERTY}{@code =<n>}.</li>
 * </ul>
 *
 * <h2>Corpus a backend must commit</h2>
 * jazzer-junit 0.24.0 ({@code SeedArgumentsProvider.walkInputs}) looks up the regression inputs as
 * a class-path resource relative to {@code ExtensionContext.getRequiredTestClass()}, the
 * <em>runtime</em> test class, not the class that declares the method: the directory is
 * {@code <package of that class>/<its simple name>Inputs/<method name>/} (searched recursively),
 * plus the files directly in {@code <simple name>Inputs/}. The empty input always runs. Hence:
 * <ul>
 *   <li>a backend that extends {@link AbstractStoreConformance} runs this class as the inherited
 *       {@code @Nested} class {@code AbstractStoreConformance.PropertyConformance}, whose package is
 *       {@code dev.keel.storage.testkit} whatever the backend's own package is; it commits its
 *       corpus as
 *       {@code src/test/resources/dev/keel/storage/testkit/PropertyConformanceInputs/storeMatchesModelOnFuzzedHistory/}
 *       (the same path in every backend; copying this module's corpus is a good start);</li>
 *   <li>a backend class {@code com.example.FooPropertyTest} that extends this class directly
 *       commits it as
 *       {@code src/test/resources/com/example/FooPropertyTestInputs/storeMatchesModelOnFuzzedHistory/}.</li>
 * </ul>
 * The corpus is not shipped in this jar: test resources of the backend come first on its class
 * path and would silently shadow it. With {@code JAZZER_FUZZ=1}, Jazzer writes new crashing
 * inputs into the same directory of the module being fuzzed.
 *
 * <p>Run by {@link AbstractStoreConformance}; a backend may also extend it alone.
 */
public abstract class AbstractPropertyConformance extends StoreConformanceSupport {
    /** System property overriding the number of seeded histories. */
    public static final String HISTORIES_PROPERTY = "keel.histories";
    /** Histories the seeded form runs by default. */
    public static final int DEFAULT_HISTORIES = 30;
    /** Steps of each seeded history. */
    public static final int STEPS = 40;

    /** Subclassed by a backend's test or by {@link AbstractStoreConformance}. */
    protected AbstractPropertyConformance() {
    }

    @FuzzTest
    void storeMatchesModelOnFuzzedHistory(FuzzedDataProvider data) throws IOException {
        History history = History.decode(data);
        // While fuzzing, one test instance serves every execution: each gets its own directory,
        // removed afterwards so that a long run does not fill the disk.
        Path work = Files.createTempDirectory(tempDir, "history");
        try {
            checker().check(history, work);
        } finally {
            deleteTree(work);
        }
    }

    @Test
    void storeMatchesModelOnSeededRandomHistories() {
        long seed = seed("storeMatchesModelOnSeededRandomHistories");
        int histories = Integer.getInteger(HISTORIES_PROPERTY, DEFAULT_HISTORIES);
        Random seeds = new Random(seed);
        HistoryChecker checker = checker();
        for (int i = 0; i < histories; i++) {
            History history = History.random(new Random(seeds.nextLong()), STEPS);
            Path work = tempDir.resolve("history-" + i);
            try {
                checker.check(history, work);
            } catch (AssertionError e) {
                throw new AssertionError("history " + i + " of seed " + seed + " failed (rerun with -D"
                        + SEED_PROPERTY + "=" + seed + ")", e);
            }
            deleteTree(work);
        }
    }

    /**
     * The checker both forms use. Commits are not synced: reopening after a clean close must keep
     * them anyway, and it keeps a history cheap on a real disk.
     *
     * @return the checker over this backend
     */
    protected HistoryChecker checker() {
        return new HistoryChecker(this::createStore, baseOptions().withSync(false));
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
