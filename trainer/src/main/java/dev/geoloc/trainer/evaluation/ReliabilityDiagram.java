package dev.geoloc.trainer.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The reliability diagram of a {@link Calibration}: for each of its confidence bins, a bar as high as the
 * bin's accuracy, with the gap to the bin's mean confidence shaded; the diagonal is perfect calibration, so
 * bars below it are overconfidence and bars above it underconfidence. A strip beneath shows how many images
 * each bin holds, since a bar of three images says little.
 */
public final class ReliabilityDiagram {

    private static final Color BAR = new Color(0x4e79a7);
    private static final Color GAP = new Color(225, 87, 89, 110);
    private static final Color GAP_EDGE = new Color(0xe15759);
    private static final Color COUNT = new Color(0xbab0ac);
    private static final int WIDTH = 560;
    private static final int LEFT = 64;
    private static final int TOP = 64;
    private static final int PLOT = 440;
    private static final int STRIP = 56;
    private static final int STRIP_TOP = TOP + PLOT + 48;
    private static final int HEIGHT = STRIP_TOP + STRIP + 40;

    private ReliabilityDiagram() {
    }

    public static void write(Calibration calibration, String title, Path png) throws IOException {
        PlotImages.writePng(render(calibration, title), png);
    }

    public static BufferedImage render(Calibration calibration, String title) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PlotImages.canvas(image);
        try {
            g.setFont(PlotImages.TITLE);
            g.drawString(title, 12, 24);
            g.setFont(PlotImages.SMALL);
            g.drawString(String.format(Locale.ROOT, "ECE %.2f %% over %d images, %d bins. Bars: accuracy; red: gap to "
                    + "mean confidence.", 100 * calibration.ece(), calibration.images(), Calibration.BINS), 12, 44);
            drawAxes(g);
            drawBars(g, calibration);
            drawCounts(g, calibration);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static double x(double confidence) {
        return LEFT + PLOT * confidence;
    }

    private static double y(double fraction) {
        return TOP + PLOT * (1 - fraction);
    }

    private static void drawAxes(Graphics2D g) {
        g.setFont(PlotImages.SMALL);
        for (int percent = 0; percent <= 100; percent += 20) {
            double at = percent / 100.0;
            g.setColor(PlotImages.GRID);
            g.draw(new Line2D.Double(LEFT, y(at), LEFT + PLOT, y(at)));
            g.draw(new Line2D.Double(x(at), TOP, x(at), TOP + PLOT));
            g.setColor(PlotImages.TEXT);
            PlotImages.rightAligned(g, percent + "%", LEFT - 6, y(at));
            PlotImages.centered(g, percent + "%", x(at), TOP + PLOT + 16);
        }
        g.setColor(new Color(0x777777));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.draw(new Line2D.Double(x(0), y(0), x(1), y(1)));
        g.setStroke(new BasicStroke(1f));
        g.setColor(PlotImages.TEXT);
        g.drawRect(LEFT, TOP, PLOT, PLOT);
        g.setFont(PlotImages.LABEL.deriveFont(Font.BOLD));
        PlotImages.centered(g, "Confidence (predicted region's probability)", LEFT + PLOT / 2.0, TOP + PLOT + 34);
        var plain = g.getTransform();
        g.translate(16, TOP + PLOT / 2.0);
        g.rotate(-Math.PI / 2);
        PlotImages.centered(g, "Accuracy", 0, 0);
        g.setTransform(plain);
    }

    private static void drawBars(Graphics2D g, Calibration calibration) {
        for (ReliabilityBin bin : calibration.bins()) {
            if (bin.images() == 0) {
                continue;
            }
            double left = x(bin.lower()) + 1;
            double width = x(bin.upper()) - x(bin.lower()) - 2;
            g.setColor(BAR);
            g.fill(new Rectangle2D.Double(left, y(bin.accuracy()), width, y(0) - y(bin.accuracy())));
            double top = y(Math.max(bin.accuracy(), bin.meanConfidence()));
            double bottom = y(Math.min(bin.accuracy(), bin.meanConfidence()));
            g.setColor(GAP);
            g.fill(new Rectangle2D.Double(left, top, width, bottom - top));
            g.setColor(GAP_EDGE);
            g.draw(new Rectangle2D.Double(left, top, width, bottom - top));
        }
    }

    /** Bar heights relative to the fullest bin, each labelled with its count. */
    private static void drawCounts(Graphics2D g, Calibration calibration) {
        int most = calibration.bins().stream().mapToInt(ReliabilityBin::images).max().orElse(0);
        g.setFont(PlotImages.SMALL.deriveFont(9f));
        for (ReliabilityBin bin : calibration.bins()) {
            double left = x(bin.lower()) + 1;
            double width = x(bin.upper()) - x(bin.lower()) - 2;
            double height = most == 0 ? 0 : (STRIP - 14) * (double) bin.images() / most;
            g.setColor(COUNT);
            g.fill(new Rectangle2D.Double(left, STRIP_TOP + STRIP - height, width, height));
            g.setColor(PlotImages.TEXT);
            PlotImages.centered(g, count(bin.images()), left + width / 2, STRIP_TOP + STRIP - height - 3);
        }
        g.drawLine(LEFT, STRIP_TOP + STRIP, LEFT + PLOT, STRIP_TOP + STRIP);
        g.setFont(PlotImages.LABEL.deriveFont(Font.BOLD));
        PlotImages.centered(g, "Images per bin", LEFT + PLOT / 2.0, STRIP_TOP + STRIP + 22);
    }

    /** A count that fits a bin's width: 9999, then 12k. */
    private static String count(int images) {
        return images < 10_000 ? Integer.toString(images) : images / 1000 + "k";
    }
}
