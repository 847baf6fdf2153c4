package dev.geoloc.imaging;

/**
 * Tells an encoded image's format and size from its header alone: no pixel is decoded, nothing is allocated in
 * proportion to the declared size, so it is safe (and microseconds) on any payload.
 */
public final class ImageProbe {

    private ImageProbe() {
    }

    /**
     * @param limits which formats are accepted: another is refused before its header is read
     * @return the format and stored size (before EXIF rotation) of an accepted image
     * @throws ImageRejectedException EMPTY_IMAGE, NOT_AN_IMAGE, UNSUPPORTED_FORMAT (a recognised format or
     *         variant that is not decoded), TRUNCATED_IMAGE (the data ends inside the header) or CORRUPT_IMAGE
     *         (the header contradicts its format's specification)
     */
    public static ImageInfo probe(byte[] data, ImageLimits limits) throws ImageRejectedException {
        if (data.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY_IMAGE, "The payload is empty (0 bytes)");
        }
        ImageFormat format = Signatures.detect(data, limits);
        limits.checkFormat(format);
        return switch (format) {
            case JPEG -> JpegFile.probe(data);
            case PNG -> PngFile.probe(data);
            case WEBP -> WebpFile.probe(data);
            case GIF -> GifFile.probe(data);
            case BMP -> BmpFile.probe(data);
            case TIFF -> TiffFile.probe(data);
            default -> throw new IllegalArgumentException(format + " is not decoded");
        };
    }

    /**
     * Checks, reading no pixel, that decoding the data is worth starting. That it holds the whole image, not just its
     * header: walks the format's structure to its end marker (JPEG EOI, PNG IEND, the first GIF frame's last data
     * block) or declared length (WebP RIFF size, BMP rows, TIFF strips). And that the decoder's work and memory stay
     * in proportion to the image: at most {@value JpegFile#MAX_SCANS} JPEG scans, and JPEG coefficient buffers and
     * TIFF tiles or strips within {@link ImageLimits#pixelBudgetBytes()}.
     *
     * @param info what {@link #probe} returned for the same data
     * @throws ImageRejectedException TRUNCATED_IMAGE, CORRUPT_IMAGE for a structure that cannot be followed or that
     *         breaks its specification, DECODE_TOO_COSTLY
     */
    static void checkDecodable(ImageInfo info, byte[] data, ImageLimits limits) throws ImageRejectedException {
        switch (info.format()) {
            case JPEG -> JpegFile.checkDecodable(data, limits);
            case PNG -> PngFile.checkComplete(data);
            case WEBP -> WebpFile.checkComplete(data);
            case GIF -> GifFile.checkComplete(data);
            case BMP -> BmpFile.checkComplete(data);
            case TIFF -> TiffFile.checkDecodable(data, limits);
            default -> throw new IllegalArgumentException(info.format() + " is not decoded");
        }
    }
}
