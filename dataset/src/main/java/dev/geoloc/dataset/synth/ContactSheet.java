package dev.geoloc.dataset.synth;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import dev.geoloc.regions.RegionCatalog;

/**
 * A one-page overview of a SynthCity dataset to look at: one row per region, the first location of each
 * region at each of its headings, labelled. Written as a 256-colour PNG to stay small enough for docs.
 */
public final class ContactSheet {

    private static final int LABEL_WIDTH = 150;
    private static final int HEADER_HEIGHT = 18;

    private ContactSheet() {
    }

    public static BufferedImage render(RegionCatalog catalog, SynthCityConfig config) {
        SynthCityGenerator generator = new SynthCityGenerator(catalog, config.withLocationsPerRegion(1));
        List<SynthLocation> locations = generator.locations();
        int columns = locations.stream().mapToInt(l -> config.headingsFor(l.region()).size()).max().orElse(0);
        int tileW = config.width();
        int tileH = config.height();
        BufferedImage sheet = new BufferedImage(LABEL_WIDTH + columns * (tileW + 2),
                HEADER_HEIGHT + locations.size() * (tileH + 2), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString("SynthCity (synthetic), " + catalog.city() + ", seed " + config.seed(), 4, 13);
            for (int row = 0; row < locations.size(); row++) {
                SynthLocation location = locations.get(row);
                int y = HEADER_HEIGHT + row * (tileH + 2);
                g.setColor(Color.BLACK);
                g.drawString(location.region().id(), 4, y + tileH / 2 + 4);
                List<Integer> headings = config.headingsFor(location.region());
                for (int column = 0; column < headings.size(); column++) {
                    g.drawImage(generator.render(location, headings.get(column)), LABEL_WIDTH + column * (tileW + 2), y,
                            null);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /** Renders the sheet and writes it as an indexed-colour PNG. */
    public static void write(RegionCatalog catalog, SynthCityConfig config, Path file) throws IOException {
        BufferedImage truecolour = render(catalog, config);
        BufferedImage indexed = new BufferedImage(truecolour.getWidth(), truecolour.getHeight(),
                BufferedImage.TYPE_BYTE_INDEXED);
        Graphics2D g = indexed.createGraphics();
        try {
            g.drawImage(truecolour, 0, 0, null);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(indexed, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }
}
