package dev.geoloc.imaging;

import java.util.Objects;

/** What an image header declares, before any pixel is decoded. Sizes are as stored, before EXIF rotation. */
public record ImageInfo(ImageFormat format, int width, int height) {

    public ImageInfo {
        Objects.requireNonNull(format, "format");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
    }

    public long pixels() {
        return (long) width * height;
    }
}
