package dev.geoloc.trainer.collect;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Image size in pixels, as the Static API takes it ({@code 640x640}); the API serves at most 640 a side. */
public record ImageSize(int width, int height) {

    public static final int MAX_SIDE = 640;
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,4})x(\\d{1,4})");

    public ImageSize {
        if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
            throw new IllegalArgumentException("image size " + width + "x" + height
                    + " must be between 1x1 and " + MAX_SIDE + "x" + MAX_SIDE);
        }
    }

    /** @throws IllegalArgumentException for anything but {@code WIDTHxHEIGHT} within the API's limits */
    public static ImageSize parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("image size '" + text + "' must look like 640x640");
        }
        return new ImageSize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
