package dev.geoloc.imaging;

/**
 * The WebP container (RFC 9649): {@code "RIFF" size(4, little-endian) "WEBP"}, then chunks; the first chunk,
 * at byte 12, is VP8 (lossy), VP8L (lossless) or VP8X (extended: alpha, metadata, animation).
 */
final class WebpFile {

    private static final int FIRST_CHUNK = 12;
    private static final int PAYLOAD = FIRST_CHUNK + 8;
    /** VP8X flags: Reserved(2) ICC(1) Alpha(1) EXIF(1) XMP(1) Animation(1) Reserved(1), most significant first. */
    private static final int ANIMATION_FLAG = 0x02;

    private WebpFile() {
    }

    static ImageInfo probe(byte[] data) throws ImageRejectedException {
        HeaderBytes in = new HeaderBytes(data, ImageFormat.WEBP);
        String chunk = in.fourCc(FIRST_CHUNK, "inside the RIFF header");
        return switch (chunk) {
            case "VP8 " -> lossy(in);
            case "VP8L" -> lossless(in);
            case "VP8X" -> extended(in);
            default -> throw in.corrupt("the first chunk is '" + chunk + "', not VP8, VP8L or VP8X");
        };
    }

    /** The RIFF size counts every byte after itself, so a complete file is at least 8 + size bytes long. */
    static void checkComplete(byte[] data) throws ImageRejectedException {
        HeaderBytes in = new HeaderBytes(data, ImageFormat.WEBP);
        long riffSize = in.u32le(4, "inside the RIFF header");
        in.require(0, 8 + riffSize, "but its RIFF header declares " + (8 + riffSize) + " bytes");
    }

    /** RFC 6386 section 9.1: a 3-byte frame tag (bit 0 clear on key frames), start code 9D 01 2A, 14-bit sizes. */
    private static ImageInfo lossy(HeaderBytes in) throws ImageRejectedException {
        String inside = "inside the VP8 frame header";
        int frameTag = in.u8(PAYLOAD, inside);
        if ((frameTag & 1) != 0 || in.u8(PAYLOAD + 3, inside) != 0x9D || in.u8(PAYLOAD + 4, inside) != 0x01
                || in.u8(PAYLOAD + 5, inside) != 0x2A) {
            throw in.corrupt("the VP8 chunk does not start with a key frame");
        }
        int width = in.u16le(PAYLOAD + 6, inside) & 0x3FFF;
        int height = in.u16le(PAYLOAD + 8, inside) & 0x3FFF;
        return sized(in, width, height);
    }

    /** RFC 9649 section 3.2: signature 0x2F, then 14 bits width - 1 and 14 bits height - 1, least significant first. */
    private static ImageInfo lossless(HeaderBytes in) throws ImageRejectedException {
        String inside = "inside the VP8L header";
        if (in.u8(PAYLOAD, inside) != 0x2F) {
            throw in.corrupt("the VP8L chunk lacks its 0x2F signature");
        }
        long bits = in.u32le(PAYLOAD + 1, inside);
        return sized(in, (int) (bits & 0x3FFF) + 1, (int) (bits >> 14 & 0x3FFF) + 1);
    }

    /** RFC 9649 section 2.7: flags(1), reserved(3), canvas width - 1 (24 bits), canvas height - 1 (24 bits). */
    private static ImageInfo extended(HeaderBytes in) throws ImageRejectedException {
        String inside = "inside the VP8X header";
        int flags = in.u8(PAYLOAD, inside);
        int width = in.u24le(PAYLOAD + 4, inside) + 1;
        int height = in.u24le(PAYLOAD + 7, inside) + 1;
        if ((flags & ANIMATION_FLAG) != 0) {
            throw in.unsupported("animation", "still WebP images");
        }
        return sized(in, width, height);
    }

    private static ImageInfo sized(HeaderBytes in, int width, int height) throws ImageRejectedException {
        if (width == 0 || height == 0) {
            throw in.corrupt("the frame header declares " + width + " x " + height + " pixels");
        }
        return new ImageInfo(ImageFormat.WEBP, width, height);
    }
}
