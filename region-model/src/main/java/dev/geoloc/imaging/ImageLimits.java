package dev.geoloc.imaging;

import java.util.Locale;

/**
 * The largest image accepted. Both checks run on what the sender declares, before decoding: the payload size
 * before the header is read, the header's dimensions before pixels are allocated, so that a decompression bomb
 * (a few KB of PNG claiming 100000 x 100000 pixels) costs nothing.
 *
 * @param maxBytes  the largest encoded payload
 * @param maxPixels the largest width x height
 * @param maxSide   the longest width or height
 * @throws IllegalArgumentException for a limit below 1, or above what OpenCV's decoders accept (2^30 pixels,
 *         2^20 a side), which it enforces by throwing instead of returning an empty image
 */
public record ImageLimits(long maxBytes, long maxPixels, int maxSide) {

    /** 20 MiB, 50 megapixels (a 8660 x 5773 photo; 150 MB once decoded to 8-bit BGR), 16384 pixels a side. */
    public static final ImageLimits DEFAULT = new ImageLimits(20L * 1024 * 1024, 50_000_000L, 16_384);

    /** OpenCV's CV_IO_MAX_IMAGE_PIXELS and CV_IO_MAX_IMAGE_WIDTH/HEIGHT defaults (imgcodecs/loadsave.cpp). */
    static final long OPENCV_MAX_PIXELS = 1L << 30;
    static final int OPENCV_MAX_SIDE = 1 << 20;

    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0 || maxSide <= 0) {
            throw new IllegalArgumentException("image limits must be positive: " + maxBytes + " bytes, " + maxPixels
                    + " pixels, " + maxSide + " a side");
        }
        if (maxPixels > OPENCV_MAX_PIXELS || maxSide > OPENCV_MAX_SIDE) {
            throw new IllegalArgumentException("OpenCV decodes at most " + OPENCV_MAX_PIXELS + " pixels and "
                    + OPENCV_MAX_SIDE + " a side, got " + maxPixels + " and " + maxSide);
        }
    }

    /** @throws ImageRejectedException PAYLOAD_TOO_LARGE */
    public void checkPayload(int length) throws ImageRejectedException {
        if (length > maxBytes) {
            throw new ImageRejectedException(Reason.PAYLOAD_TOO_LARGE, String.format(Locale.ROOT,
                    "The payload is %,d bytes; at most %,d bytes are accepted", length, maxBytes));
        }
    }

    /** @throws ImageRejectedException IMAGE_TOO_LARGE */
    public void checkDimensions(ImageInfo info) throws ImageRejectedException {
        if (info.width() > maxSide || info.height() > maxSide || info.pixels() > maxPixels) {
            throw new ImageRejectedException(Reason.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The %s header declares %d x %d pixels (%,d); at most %,d pixels and %d a side are accepted",
                    info.format().displayName(), info.width(), info.height(), info.pixels(), maxPixels, maxSide));
        }
    }
}
