package dev.geoloc.trainer.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The confusion matrix as a heatmap: true region by row, predicted region by column, each cell coloured by
 * the share of its row (so a region with few images reads as clearly as one with many) and labelled with
 * its count. A colour bar gives the scale; rows without images are grey.
 */
public final class ConfusionPlot {

    /** Matplotlib's "Blues": light for few, dark for many; sequential in one hue, so it survives grey print. */
    private static final Color[] BLUES = {new Color(0xf7fbff), new Color(0xdeebf7), new Color(0xc6dbef),
            new Color(0x9ecae1), new Color(0x6baed6), new Color(0x4292c6), new Color(0x2171b5),
            new Color(0x08519c), new Color(0x08306b)};
    private static final Color NO_IMAGES = new Color(0xEEEEEE);
    private static final Color FRAME = new Color(0x555555);
    private static final int CELL = 34;
    private static final int TOP = 76;
    private static final int GAP = 8;
    private static final int AXIS_TITLE = 24;
    private static final int BAR_WIDTH = 16;
    private static final String SUBTITLE = "Colour: share of the true region's images (row %). Number: images.";
    private static final String ROWS_TITLE = "True region (images)";
    private static final Font AXIS_FONT = PlotImages.LABEL.deriveFont(Font.BOLD);

    private ConfusionPlot() {
    }

    public static void write(ConfusionMatrix matrix, String title, Path png) throws IOException {
        PlotImages.writePng(render(matrix, title), png);
    }

    public static BufferedImage render(ConfusionMatrix matrix, String title) {
        int n = matrix.size();
        // the rows' title sits above their labels, level with the grid's top, so it fits however few rows there are
        int rowLabels = Math.max(widest(matrix, true), textWidth(ROWS_TITLE, AXIS_FONT));
        int columnLabels = (int) Math.ceil(widest(matrix, false) * Math.sqrt(0.5));
        int left = 2 * GAP + rowLabels + GAP;
        int grid = n * CELL;
        // a small catalog's grid is narrower than the title: the title sets the width then
        int width = Math.max(left + grid + 24 + BAR_WIDTH + 48,
                2 * GAP + Math.max(textWidth(title, PlotImages.TITLE), textWidth(SUBTITLE, PlotImages.SMALL)));
        int height = TOP + grid + GAP + columnLabels + AXIS_TITLE + 2 * GAP;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PlotImages.canvas(image);
        try {
            g.setFont(PlotImages.TITLE);
            g.drawString(title, GAP, 24);
            g.setFont(PlotImages.SMALL);
            g.drawString(SUBTITLE, GAP, 44);
            drawCells(g, matrix, left);
            drawLabels(g, matrix, left, columnLabels);
            drawColourBar(g, left + grid + 24, grid);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawCells(Graphics2D g, ConfusionMatrix matrix, int left) {
        int n = matrix.size();
        g.setFont(PlotImages.SMALL);
        for (int t = 0; t < n; t++) {
            int support = matrix.support(t);
            for (int p = 0; p < n; p++) {
                int x = left + p * CELL;
                int y = TOP + t * CELL;
                int count = matrix.count(t, p);
                double share = support == 0 ? 0 : (double) count / support;
                g.setColor(support == 0 ? NO_IMAGES : colour(share));
                g.fillRect(x, y, CELL, CELL);
                if (count > 0) {
                    g.setColor(share > 0.45 ? Color.WHITE : PlotImages.TEXT);
                    PlotImages.centered(g, Integer.toString(count), x + CELL / 2.0, y + CELL / 2.0 + 4);
                }
            }
        }
        // a good model's mass sits on the diagonal: outline it so that misses stand out beside it
        g.setColor(FRAME);
        g.setStroke(new BasicStroke(1f));
        for (int i = 0; i < n; i++) {
            g.drawRect(left + i * CELL, TOP + i * CELL, CELL, CELL);
        }
        g.drawRect(left, TOP, n * CELL, n * CELL);
    }

    private static void drawLabels(Graphics2D g, ConfusionMatrix matrix, int left, int columnLabels) {
        int n = matrix.size();
        int bottom = TOP + n * CELL;
        g.setColor(PlotImages.TEXT);
        g.setFont(PlotImages.LABEL);
        for (int i = 0; i < n; i++) {
            PlotImages.rightAligned(g, rowLabel(matrix, i), left - GAP, TOP + i * CELL + CELL / 2.0);
        }
        AffineTransform plain = g.getTransform();
        for (int i = 0; i < n; i++) {
            // column names run up to their column at 45 degrees, so long names do not collide
            g.translate(left + i * CELL + CELL / 2.0 + 4, bottom + GAP);
            g.rotate(-Math.PI / 4);
            String name = matrix.names().get(i);
            g.drawString(name, -g.getFontMetrics().stringWidth(name), 0);
            g.setTransform(plain);
        }
        g.setFont(AXIS_FONT);
        PlotImages.centered(g, "Predicted region", left + n * CELL / 2.0, bottom + GAP + columnLabels + AXIS_TITLE);
        g.drawString(ROWS_TITLE, left - GAP - g.getFontMetrics().stringWidth(ROWS_TITLE), TOP - 8);
    }

    private static void drawColourBar(Graphics2D g, int x, int height) {
        for (int y = 0; y < height; y++) {
            g.setColor(colour(1 - (double) y / (height - 1)));
            g.fillRect(x, TOP + y, BAR_WIDTH, 1);
        }
        g.setColor(FRAME);
        g.drawRect(x, TOP, BAR_WIDTH, height);
        g.setFont(PlotImages.SMALL);
        g.setColor(PlotImages.TEXT);
        for (int percent = 0; percent <= 100; percent += 25) {
            int y = (int) Math.round(TOP + height * (1 - percent / 100.0));
            g.drawLine(x + BAR_WIDTH, y, x + BAR_WIDTH + 4, y);
            g.drawString(String.format(Locale.ROOT, "%d%%", percent), x + BAR_WIDTH + 7, y + 4);
        }
    }

    /** The colour of a row share in [0, 1], interpolated between the palette's steps. */
    static Color colour(double share) {
        double position = Math.max(0, Math.min(1, share)) * (BLUES.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(low + 1, BLUES.length - 1);
        double f = position - low;
        Color a = BLUES[low];
        Color b = BLUES[high];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    private static String rowLabel(ConfusionMatrix matrix, int i) {
        return matrix.names().get(i) + " (" + matrix.support(i) + ")";
    }

    /** The widest row label (with its count) or column label, in pixels. */
    private static int widest(ConfusionMatrix matrix, boolean rows) {
        int widest = 0;
        for (int i = 0; i < matrix.size(); i++) {
            widest = Math.max(widest, textWidth(rows ? rowLabel(matrix, i) : matrix.names().get(i), PlotImages.LABEL));
        }
        return widest;
    }

    private static int textWidth(String text, Font font) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            return g.getFontMetrics(font).stringWidth(text);
        } finally {
            g.dispose();
        }
    }
}
