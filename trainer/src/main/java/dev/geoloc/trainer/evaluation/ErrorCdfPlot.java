package dev.geoloc.trainer.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cumulative distribution of error distances: for each x from 0 to 50 km, the fraction of images whose
 * error is at most x. One colour per model (per measure when there is one model), one line style per
 * {@link ErrorMeasure}; the Acc@k radii from 1 km up are marked, so the tables' columns can be read off the curves.
 */
public final class ErrorCdfPlot {

    private static final double MAX_KM = 50;
    /**
     * Radii below this are not marked: on a 50 km axis they fall within a few pixels of 0 and of each other, their
     * labels on top of one another; the tables give their Acc@k.
     */
    private static final double MIN_MARKED_KM = 1;
    /** Tableau 10, the first eight: distinct hues of similar weight. */
    private static final Color[] PALETTE = {new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759),
            new Color(0x76b7b2), new Color(0x59a14f), new Color(0xedc948), new Color(0xb07aa1), new Color(0x9c755f)};
    private static final int WIDTH = 760;
    private static final int LEFT = 64;
    private static final int RIGHT = 24;
    private static final int TOP = 48;
    private static final int PLOT_HEIGHT = 360;
    private static final int LEGEND_ROW = 18;

    private ErrorCdfPlot() {
    }

    /**
     * @param models   evaluations by the name to show for each, in legend order
     * @param measures which error measures to draw for every model
     */
    public static void write(Map<String, Evaluation> models, List<ErrorMeasure> measures, String title, Path png)
            throws IOException {
        PlotImages.writePng(render(models, measures, title), png);
    }

    public static BufferedImage render(Map<String, Evaluation> models, List<ErrorMeasure> measures, String title) {
        if (models.isEmpty() || measures.isEmpty()) {
            throw new IllegalArgumentException("an error CDF needs at least one model and one error measure");
        }
        List<Line> lines = new ArrayList<>();
        int model = 0;
        for (Map.Entry<String, Evaluation> entry : models.entrySet()) {
            for (int m = 0; m < measures.size(); m++) {
                ErrorMeasure measure = measures.get(m);
                // one model's measures get colours of their own; several models' share their model's colour
                int colour = models.size() == 1 ? m : model;
                lines.add(new Line(legend(entry.getKey(), measure, models.size(), measures.size()),
                        PALETTE[colour % PALETTE.length], stroke(measure), entry.getValue().distance(measure)));
            }
            model++;
        }
        int legendTop = TOP + PLOT_HEIGHT + 52;
        int height = legendTop + lines.size() * LEGEND_ROW + 12;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PlotImages.canvas(image);
        try {
            g.setFont(PlotImages.TITLE);
            g.drawString(title, 12, 26);
            drawAxes(g);
            for (Line line : lines) {
                drawCurve(g, line);
            }
            drawLegend(g, lines, legendTop);
        } finally {
            g.dispose();
        }
        return image;
    }

    private record Line(String label, Color colour, Stroke stroke, DistanceMetrics errors) {
    }

    private static String legend(String model, ErrorMeasure measure, int models, int measures) {
        if (measures == 1) {
            return models == 1 ? model + " (" + measure.label() + ")" : model;
        }
        return models == 1 ? measure.label() : model + ": " + measure.label();
    }

    private static Stroke stroke(ErrorMeasure measure) {
        return switch (measure) {
            case REGION_CENTERS -> new BasicStroke(2.2f);
            case PHOTO -> new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {9, 5}, 0);
            case CENTER_TO_PHOTO -> new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 4}, 0);
        };
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static double x(double km) {
        return LEFT + plotWidth() * Math.min(km, MAX_KM) / MAX_KM;
    }

    private static double y(double fraction) {
        return TOP + PLOT_HEIGHT * (1 - fraction);
    }

    private static void drawAxes(Graphics2D g) {
        g.setFont(PlotImages.SMALL);
        for (int percent = 0; percent <= 100; percent += 10) {
            int y = (int) Math.round(y(percent / 100.0));
            g.setColor(PlotImages.GRID);
            g.drawLine(LEFT, y, LEFT + plotWidth(), y);
            g.setColor(PlotImages.TEXT);
            PlotImages.rightAligned(g, percent + "%", LEFT - 6, y);
        }
        for (int km = 0; km <= MAX_KM; km += 5) {
            int x = (int) Math.round(x(km));
            g.setColor(PlotImages.GRID);
            g.drawLine(x, TOP, x, TOP + PLOT_HEIGHT);
            g.setColor(PlotImages.TEXT);
            PlotImages.centered(g, Integer.toString(km), x, TOP + PLOT_HEIGHT + 16);
        }
        // the Acc@k radii, where the tables read the curves
        g.setColor(new Color(0x9a9a9a));
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {3, 3}, 0));
        for (double radius : Evaluation.RADII_KM) {
            if (radius < MIN_MARKED_KM) {
                continue;
            }
            int x = (int) Math.round(x(radius));
            g.drawLine(x, TOP, x, TOP + PLOT_HEIGHT);
            g.drawString("Acc@" + Evaluation.radiusLabel(radius), x + 3, TOP - 5);
        }
        g.setStroke(new BasicStroke(1f));
        g.setColor(PlotImages.TEXT);
        g.drawRect(LEFT, TOP, plotWidth(), PLOT_HEIGHT);
        g.setFont(PlotImages.LABEL.deriveFont(Font.BOLD));
        PlotImages.centered(g, "Error (km)", LEFT + plotWidth() / 2.0, TOP + PLOT_HEIGHT + 36);
        var plain = g.getTransform();
        g.translate(16, TOP + PLOT_HEIGHT / 2.0);
        g.rotate(-Math.PI / 2);
        PlotImages.centered(g, "Images within error", 0, 0);
        g.setTransform(plain);
    }

    /** A step function: flat between errors, rising by 1/n at each (0 errors rise at x = 0). */
    private static void drawCurve(Graphics2D g, Line line) {
        double[] sorted = line.errors().sortedErrorsKm();
        int n = sorted.length;
        Path2D.Double path = new Path2D.Double();
        path.moveTo(x(0), y(0));
        for (int i = 0; i < n && sorted[i] <= MAX_KM; i++) {
            path.lineTo(x(sorted[i]), y((double) i / n));
            path.lineTo(x(sorted[i]), y((double) (i + 1) / n));
        }
        path.lineTo(x(MAX_KM), y(line.errors().accuracyWithinKm(MAX_KM)));
        var clip = g.getClip();
        // a curve at 0 % or 100 % would hide under the frame without a little room
        g.setClip(LEFT - 2, TOP - 2, plotWidth() + 4, PLOT_HEIGHT + 4);
        g.setColor(line.colour());
        g.setStroke(line.stroke());
        g.draw(path);
        g.setClip(clip);
        g.setStroke(new BasicStroke(1f));
    }

    private static void drawLegend(Graphics2D g, List<Line> lines, int top) {
        g.setFont(PlotImages.LABEL);
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            int y = top + i * LEGEND_ROW;
            g.setColor(line.colour());
            g.setStroke(line.stroke());
            g.drawLine(LEFT, y, LEFT + 36, y);
            g.setStroke(new BasicStroke(1f));
            g.setColor(PlotImages.TEXT);
            DistanceMetrics errors = line.errors();
            g.drawString(String.format(Locale.ROOT, "%s  (mean %.2f km, median %.2f km)", line.label(),
                    errors.meanKm(), errors.medianKm()), LEFT + 46, y + 4);
        }
    }
}
