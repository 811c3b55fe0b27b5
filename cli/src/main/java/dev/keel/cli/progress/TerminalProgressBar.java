package dev.keel.cli.progress;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar redrawn on the console's stderr (me.tongfei progressbar). */
final class TerminalProgressBar implements Progress {
    private final ProgressBar bar;
    private boolean closed;

    TerminalProgressBar(String task, String unit, long total) {
        boolean unicode = StandardCharsets.UTF_8.equals(Charset.defaultCharset());
        this.bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setStyle(unicode ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(250)
                .build();
    }

    @Override
    public void stepTo(long done) {
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            bar.close();
        }
    }
}
