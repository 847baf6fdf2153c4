package dev.geoloc.imaging;

/**
 * Tells an encoded image's format and size from its header alone: no pixel is decoded, nothing is allocated in
 * proportion to the declared size, so it is safe (and microseconds) on any payload.
 */
public final class ImageProbe {

    private ImageProbe() {
    }

    /**
     * @return the format and stored size (before EXIF rotation) of a supported image
     * @throws ImageRejectedException EMPTY_IMAGE, NOT_AN_IMAGE, UNSUPPORTED_FORMAT (a recognised format or
     *         variant that is not decoded), TRUNCATED_IMAGE (the data ends inside the header) or CORRUPT_IMAGE
     *         (the header contradicts its format's specification)
     */
    public static ImageInfo probe(byte[] data) throws ImageRejectedException {
        if (data.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY_IMAGE, "The payload is empty (0 bytes)");
        }
        ImageFormat format = Signatures.detect(data);
        return switch (format) {
            case JPEG -> JpegFile.probe(data);
            case PNG -> PngFile.probe(data);
            case WEBP -> WebpFile.probe(data);
            case BMP -> BmpFile.probe(data);
            case TIFF -> TiffFile.probe(data);
            case GIF, HEIC, AVIF, JPEG_2000, JPEG_XL -> throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT,
                    format.displayName() + " images are not supported; supported formats: "
                            + ImageFormat.supportedNames());
        };
    }

    /**
     * Checks that the data holds the whole image, not just its header: walks the format's structure to its end
     * marker (JPEG EOI, PNG IEND) or declared length (WebP RIFF size, BMP rows, TIFF strips). Reads no pixels.
     *
     * @param info what {@link #probe} returned for the same data
     * @throws ImageRejectedException TRUNCATED_IMAGE, or CORRUPT_IMAGE for a structure that cannot be followed
     */
    static void checkComplete(ImageInfo info, byte[] data) throws ImageRejectedException {
        switch (info.format()) {
            case JPEG -> JpegFile.checkComplete(data);
            case PNG -> PngFile.checkComplete(data);
            case WEBP -> WebpFile.checkComplete(data);
            case BMP -> BmpFile.checkComplete(data);
            case TIFF -> TiffFile.checkComplete(data);
            default -> throw new IllegalArgumentException(info.format() + " is not decoded");
        }
    }
}
