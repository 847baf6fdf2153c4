package dev.geoloc.trainer.evaluation;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/**
 * What the plots share: a white RGB canvas drawn with Java2D into a {@link BufferedImage}, which needs no
 * display, and PNG output.
 */
final class PlotImages {

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Color TEXT = new Color(0x222222);
    static final Color GRID = new Color(0xE3E3E3);

    private PlotImages() {
    }

    /** A white canvas and its antialiased graphics; the caller disposes the graphics. */
    static Graphics2D canvas(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(TEXT);
        return g;
    }

    static void writePng(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }

    /** Draws {@code text} centered on {@code x} with its baseline at {@code y}. */
    static void centered(Graphics2D g, String text, double x, double y) {
        g.drawString(text, (float) (x - g.getFontMetrics().stringWidth(text) / 2.0), (float) y);
    }

    /** Draws {@code text} ending at {@code x}, vertically centered on {@code y}. */
    static void rightAligned(Graphics2D g, String text, double x, double y) {
        var metrics = g.getFontMetrics();
        g.drawString(text, (float) (x - metrics.stringWidth(text)), (float) (y + (metrics.getAscent() - metrics.getDescent()) / 2.0));
    }
}
