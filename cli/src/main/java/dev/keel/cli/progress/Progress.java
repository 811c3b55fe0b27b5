package dev.keel.cli.progress;

import java.io.PrintWriter;

/**
 * Progress of a long command, shown on stderr only (stdout carries results).
 *
 * <p>On a console it is a redrawn progress bar; without one (output redirected, a test, CI) it
 * degrades to a plain line every tenth of the way, so logs stay readable and nothing waits on a
 * terminal. Used by one thread.
 */
public interface Progress extends AutoCloseable {
    /**
     * @param done units done so far, out of the total given when it was opened
     */
    void stepTo(long done);

    /** Finishes the display; idempotent. */
    @Override
    void close();

    /**
     * @param task what is being done ("demo")
     * @param unit what is counted, plural ("versions")
     * @param total units in all
     * @param err the command's stderr, used when there is no console
     * @return a progress display suited to where stderr goes
     */
    static Progress open(String task, String unit, long total, PrintWriter err) {
        // System.console() is null whenever stdin or stdout is not a terminal: redrawing a bar
        // with carriage returns is then useless at best.
        return System.console() != null
                ? new TerminalProgressBar(task, unit, total)
                : new LineProgress(task, unit, total, err);
    }
}
