package dev.keel.benchmarks.suite;

import dev.keel.benchmarks.report.Report;
import dev.keel.benchmarks.report.ReportException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command behind {@code ./bench}: runs the JMH suite in a profile and renders its report, or
 * renders the report of an existing results directory.
 *
 * <pre>
 * SuiteMain quick|full|smoke [--out DIR] [--docs DIR] [--only GROUP[,GROUP...]] [--command TEXT]
 * SuiteMain report DIR [--docs DIR]
 * SuiteMain groups
 * </pre>
 * Defaults: {@code --out bench-results/<profile>} ({@code bench-results/tmp/smoke} for smoke),
 * {@code --docs docs/bench} ({@code <out>/report} for smoke). Exit status: 0 when every group ran,
 * 1 when a group failed (the report is still rendered from the others), 2 for a usage error, 3
 * when the report cannot be made.
 */
public final class SuiteMain {
    private static final String USAGE = String.join("\n",
            "usage: bench quick|full|smoke [--out DIR] [--docs DIR] [--only GROUP[,GROUP...]]",
            "       bench report DIR [--docs DIR]",
            "       bench groups",
            "  quick   every benchmark at small sizes, short iterations: minutes",
            "  full    SPEC section 7's sizes: one to two hours",
            "  smoke   every benchmark once with tiny sizes, no forks: seconds; measures nothing",
            "  report  renders charts and results.md from an existing results directory",
            "  --out   results directory (default bench-results/<profile>)",
            "  --docs  where charts and results.md go (default docs/bench)",
            "  --only  run only these groups (see 'bench groups'); the report also reads other groups' JSON",
            "          already in the results directory");

    private SuiteMain() {
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command without exiting the JVM.
     *
     * @param args see the class comment
     * @param out progress and results
     * @param err errors
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            return switch (args[0]) {
                case "report" -> report(Arrays.copyOfRange(args, 1, args.length), out);
                case "groups" -> groups(out);
                default -> suite(Profile.byId(args[0]), Arrays.copyOfRange(args, 1, args.length), out, err);
            };
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (ReportException e) {
            err.println("bench: cannot make the report: " + e.getMessage());
            return 3;
        } catch (IOException e) {
            err.println("bench: " + e);
            return 3;
        }
    }

    private static int groups(PrintStream out) {
        for (BenchmarkGroup g : BenchmarkGroup.values()) {
            out.printf("%-18s %-26s %s%n", g.id(), g.className(), g.title());
        }
        return 0;
    }

    private static int report(String[] args, PrintStream out) throws IOException {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new IllegalArgumentException("report needs a results directory");
        }
        Path results = Path.of(args[0]);
        Path docs = Path.of("docs/bench");
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--docs")) {
                docs = Path.of(value(args, ++i, "--docs"));
            } else {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        print(Report.render(results, docs), out);
        return 0;
    }

    private static int suite(Profile profile, String[] args, PrintStream out, PrintStream err) throws IOException {
        Path results = profile == Profile.SMOKE ? Path.of("bench-results/tmp/smoke") : Path.of("bench-results", profile.id());
        Path docs = null;
        List<BenchmarkGroup> groups = new ArrayList<>(List.of(BenchmarkGroup.values()));
        // The script passes the command line the user typed; a direct java invocation gets a stand-in.
        String command = System.getProperty("keel.bench.command",
                ("SuiteMain " + profile.id() + " " + String.join(" ", args)).trim());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> results = Path.of(value(args, ++i, "--out"));
                case "--docs" -> docs = Path.of(value(args, ++i, "--docs"));
                case "--command" -> command = value(args, ++i, "--command");
                case "--only" -> {
                    groups.clear();
                    for (String id : value(args, ++i, "--only").split(",")) {
                        groups.add(BenchmarkGroup.byId(id.trim()));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (docs == null) {
            docs = profile == Profile.SMOKE ? results.resolve("report") : Path.of("docs/bench");
        }
        Suite.SuiteRun run = Suite.run(profile, results, groups, command, out);
        out.println();
        print(Report.render(results, docs), out);
        if (!run.passed()) {
            err.println("bench: some groups failed; see machine.json in " + results);
            return 1;
        }
        return 0;
    }

    private static void print(Report.Rendered rendered, PrintStream out) {
        out.println("report: " + rendered.table());
        for (Path chart : rendered.charts()) {
            out.println("chart:  " + chart);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
