package dev.keel.cli.progress;

import java.io.PrintWriter;

/** Progress as a plain stderr line at every tenth of the total: for logs and non-terminals. */
final class LineProgress implements Progress {
    private static final int STEPS = 10;

    private final String task;
    private final String unit;
    private final long total;
    private final PrintWriter err;
    private int stepsShown;

    LineProgress(String task, String unit, long total, PrintWriter err) {
        this.task = task;
        this.unit = unit;
        this.total = total;
        this.err = err;
    }

    @Override
    public void stepTo(long done) {
        if (total <= 0) {
            return;
        }
        int step = (int) Math.min(STEPS, done * STEPS / total);
        if (step > stepsShown) {
            stepsShown = step;
            err.printf("%s: %d/%d %s (%d%%)%n", task, done, total, unit, step * 100 / STEPS);
            err.flush();
        }
    }

    @Override
    public void close() {
        err.flush();
    }
}
