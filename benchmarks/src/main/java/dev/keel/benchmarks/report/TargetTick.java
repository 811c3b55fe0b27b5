package dev.keel.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import org.knowm.xchart.style.markers.Marker;

/**
 * A chart marker for a target: a short, thick horizontal bar at the target's level, so a target
 * stays visible at a single x value or category, where a dashed line has nothing to join.
 */
final class TargetTick extends Marker {
    /** For line charts: four marker sizes wide. */
    static final TargetTick NARROW = new TargetTick(2.0);
    /** For bar charts: six marker sizes wide, as wide as the legend's sample line allows. */
    static final TargetTick WIDE = new TargetTick(3.0);

    private static final BasicStroke STROKE = new BasicStroke(3f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER);

    /** Half the tick's width, in marker sizes. */
    private final double halfWidth;

    private TargetTick(double halfWidth) {
        this.halfWidth = halfWidth;
    }

    @Override
    public void paint(Graphics2D g, double x, double y, int markerSize) {
        BasicStroke previous = (BasicStroke) g.getStroke();
        g.setStroke(STROKE);
        double half = markerSize * halfWidth;
        g.draw(new Line2D.Double(x - half, y, x + half, y));
        g.setStroke(previous);
    }
}
