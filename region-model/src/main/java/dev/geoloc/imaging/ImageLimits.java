package dev.geoloc.imaging;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which images are accepted, and how large. The size checks run on what the sender declares, before decoding: the
 * payload size before the header is read, the header's dimensions before pixels are allocated, so that a
 * decompression bomb (a few KB of PNG claiming 100000 x 100000 pixels) costs nothing.
 *
 * @param maxBytes   the largest encoded payload
 * @param maxPixels  the largest width x height; three bytes of each, the largest decoded image, is also what a
 *                   decoder's own buffers may take ({@link #pixelBudgetBytes()})
 * @param maxSide    the longest width or height
 * @param acceptTiff whether TIFF images are decoded. Off by default: the libtiff inside OpenCV 4.9 is 4.2.0 (2020),
 *                   with published crash bugs that a crafted file reaches
 * @throws IllegalArgumentException for a limit below 1, or above what OpenCV's decoders accept (2^30 pixels,
 *         2^20 a side), which it enforces by throwing instead of returning an empty image
 */
public record ImageLimits(long maxBytes, long maxPixels, int maxSide, boolean acceptTiff) {

    /**
     * 20 MiB, 50 megapixels (a 8660 x 5773 photo; 150 MB once decoded to 8-bit BGR), 16384 pixels a side; no TIFF.
     */
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

    /** Without TIFF. */
    public ImageLimits(long maxBytes, long maxPixels, int maxSide) {
        this(maxBytes, maxPixels, maxSide, false);
    }

    public ImageLimits withAcceptTiff(boolean accept) {
        return new ImageLimits(maxBytes, maxPixels, maxSide, accept);
    }

    /** Whether images of this format are decoded: the supported ones, TIFF only with {@link #acceptTiff()}. */
    public boolean accepts(ImageFormat format) {
        return format.supported() && (format != ImageFormat.TIFF || acceptTiff);
    }

    /** "JPEG, PNG, WebP, GIF, BMP": for messages that tell the sender what would have worked. */
    public String acceptedNames() {
        return Arrays.stream(ImageFormat.values()).filter(this::accepts).map(ImageFormat::displayName)
                .collect(Collectors.joining(", "));
    }

    /**
     * 3 bytes x {@link #maxPixels()}: the largest decoded image, 8-bit BGR. The buffers a decoder needs besides it,
     * such as a progressive JPEG's coefficients or a TIFF tile, may not take more than that either.
     */
    public long pixelBudgetBytes() {
        return 3 * maxPixels;
    }

    /** @throws ImageRejectedException PAYLOAD_TOO_LARGE */
    public void checkPayload(int length) throws ImageRejectedException {
        if (length > maxBytes) {
            throw new ImageRejectedException(Reason.PAYLOAD_TOO_LARGE, String.format(Locale.ROOT,
                    "The payload is %,d bytes; at most %,d bytes are accepted", length, maxBytes));
        }
    }

    /** @throws ImageRejectedException UNSUPPORTED_FORMAT, naming the accepted formats */
    public void checkFormat(ImageFormat format) throws ImageRejectedException {
        if (format == ImageFormat.TIFF && !acceptTiff) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "TIFF images are not accepted here: the "
                    + "libtiff inside OpenCV 4.9 (4.2.0) has published crash bugs, so TIFF is decoded only where "
                    + "accept-tiff is set; supported formats: " + acceptedNames());
        }
        if (!accepts(format)) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, format.displayName()
                    + " images are not supported; supported formats: " + acceptedNames());
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

    /**
     * DECODE_TOO_COSTLY for a decoder buffer over {@link #pixelBudgetBytes()}.
     *
     * @param needs what the buffer holds and its size: "The TIFF's tiles of 7008 x 7008 pixels take 196,448,256
     *              bytes each to decode"
     */
    ImageRejectedException overBudget(String needs) {
        return new ImageRejectedException(Reason.DECODE_TOO_COSTLY, String.format(Locale.ROOT,
                "%s; at most %,d bytes (3 x %,d pixels) are accepted", needs, pixelBudgetBytes(), maxPixels));
    }
}
