package dev.geoloc.imaging;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The image formats recognised by their signature. Only the {@link #supported()} ones are decoded; the others
 * are named so that a refusal can say what was sent.
 */
public enum ImageFormat {
    JPEG("JPEG", true),
    PNG("PNG", true),
    WEBP("WebP", true),
    BMP("BMP", true),
    TIFF("TIFF", true),
    /** OpenCV 4.9 has no GIF decoder (later releases added one). */
    GIF("GIF", false),
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

    /** Whether images of this format are decoded. */
    public boolean supported() {
        return supported;
    }

    /** "JPEG, PNG, WebP, BMP, TIFF": for messages that tell the sender what would have worked. */
    public static String supportedNames() {
        return Arrays.stream(values()).filter(ImageFormat::supported).map(ImageFormat::displayName)
                .collect(Collectors.joining(", "));
    }
}
