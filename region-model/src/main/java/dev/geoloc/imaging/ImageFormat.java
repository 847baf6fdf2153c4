package dev.geoloc.imaging;

/**
 * The image formats recognised by their signature. Only the {@link #supported()} ones are decoded, and of those only
 * the ones an {@link ImageLimits} accepts; the others are named so that a refusal can say what was sent.
 */
public enum ImageFormat {
    JPEG("JPEG", true),
    PNG("PNG", true),
    WEBP("WebP", true),
    /** Its first frame, by the JDK's ImageIO reader: OpenCV 4.9 has no GIF decoder (later releases added one). */
    GIF("GIF", true),
    BMP("BMP", true),
    /** Only where {@link ImageLimits#acceptTiff()} asks for it: OpenCV 4.9 bundles libtiff 4.2.0, with crash bugs. */
    TIFF("TIFF", true),
    /** HEIF with HEVC, the iPhone default: OpenCV 4.9 has no HEIF decoder. */
    HEIC("HEIC", false),
    /** HEIF with AV1: OpenCV 4.9 as built by openpnp has no AVIF decoder. */
    AVIF("AVIF", false),
    /** OpenCV can decode it (OpenJPEG), but it is rare for photos and its header is not probed here. */
    JPEG_2000("JPEG 2000", false),
    /** OpenCV 4.9 has no JPEG XL decoder. */
    JPEG_XL("JPEG XL", false);

    private final String displayName;
    private final boolean supported;

    ImageFormat(String displayName, boolean supported) {
        this.displayName = displayName;
        this.supported = supported;
    }

    public String displayName() {
        return displayName;
    }

    /** Whether this library can decode images of this format: TIFF only where {@link ImageLimits#accepts} it. */
    public boolean supported() {
        return supported;
    }
}
