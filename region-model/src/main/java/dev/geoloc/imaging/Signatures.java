package dev.geoloc.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** Tells the format of an encoded image from its leading bytes ("magic numbers"). */
final class Signatures {

    private record Signature(ImageFormat format, byte[] bytes) {
    }

    /** Signatures at byte 0. WebP, BMP and HEIF need more than a fixed prefix and are told apart in code. */
    private static final List<Signature> PREFIXES = List.of(
            new Signature(ImageFormat.JPEG, bytes(0xFF, 0xD8, 0xFF)),
            new Signature(ImageFormat.PNG, bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)),
            new Signature(ImageFormat.GIF, ascii("GIF87a")),
            new Signature(ImageFormat.GIF, ascii("GIF89a")),
            new Signature(ImageFormat.TIFF, bytes('I', 'I', 42, 0)),
            new Signature(ImageFormat.TIFF, bytes('M', 'M', 0, 42)),
            // BigTIFF: recognised so that TiffFile can name it.
            new Signature(ImageFormat.TIFF, bytes('I', 'I', 43, 0)),
            new Signature(ImageFormat.TIFF, bytes('M', 'M', 0, 43)),
            new Signature(ImageFormat.JPEG_2000, bytes(0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A)),
            new Signature(ImageFormat.JPEG_2000, bytes(0xFF, 0x4F, 0xFF, 0x51)),
            new Signature(ImageFormat.JPEG_XL, bytes(0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A)),
            new Signature(ImageFormat.JPEG_XL, bytes(0xFF, 0x0A)));

    /** ISO/IEC 23008-12 (HEIF) and the AV1 Image File Format brands, found in the leading ftyp box. */
    private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");
    private static final Set<String> HEIC_BRANDS = Set.of("heic", "heix", "heim", "heis", "hevc", "hevx", "hevm",
            "hevs", "mif1", "msf1");

    private Signatures() {
    }

    /**
     * @param limits names the accepted formats when the data is no image
     * @throws ImageRejectedException NOT_AN_IMAGE for unknown bytes; TRUNCATED_IMAGE for data that stops inside
     *         a signature (two bytes or more of it)
     */
    static ImageFormat detect(byte[] data, ImageLimits limits) throws ImageRejectedException {
        for (Signature signature : PREFIXES) {
            if (startsWith(data, signature.bytes)) {
                return signature.format;
            }
            if (data.length >= 2 && data.length < signature.bytes.length && startsWith(signature.bytes, data)) {
                throw new HeaderBytes(data, signature.format).truncated("inside its signature");
            }
        }
        if (startsWith(data, ascii("RIFF")) && data.length >= 12 && regionEquals(data, 8, ascii("WEBP"))) {
            return ImageFormat.WEBP;
        }
        if (isBmp(data)) {
            return ImageFormat.BMP;
        }
        ImageFormat heif = heifBrand(data);
        if (heif != null) {
            return heif;
        }
        throw new ImageRejectedException(Reason.NOT_AN_IMAGE, "The payload (" + data.length + " bytes, starting "
                + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(data, 0, Math.min(8, data.length))
                + ") has no known image signature; supported formats: " + limits.acceptedNames());
    }

    /** "BM" alone is too weak (it starts plain text too): the DIB header at byte 14 must have a known size. */
    private static boolean isBmp(byte[] data) throws ImageRejectedException {
        if (!startsWith(data, ascii("BM"))) {
            return false;
        }
        long dibSize = new HeaderBytes(data, ImageFormat.BMP).u32le(14, "inside the file header");
        return dibSize == BmpFile.CORE_HEADER || BmpFile.INFO_HEADERS.contains((int) dibSize);
    }

    /** An ISO BMFF file starts with {@code size(4) "ftyp" major-brand(4) minor-version(4) compatible-brands(4n)}. */
    private static ImageFormat heifBrand(byte[] data) throws ImageRejectedException {
        if (data.length < 12 || !regionEquals(data, 4, ascii("ftyp"))) {
            return null;
        }
        HeaderBytes in = new HeaderBytes(data, ImageFormat.HEIC);
        long boxEnd = Math.min(in.u32be(0, "inside the ftyp box"), data.length);
        boolean heic = false;
        for (long pos = 8; pos + 4 <= boxEnd; pos += pos == 8 ? 8 : 4) {
            String brand = in.fourCc(pos, "inside the ftyp box");
            if (AVIF_BRANDS.contains(brand)) {
                return ImageFormat.AVIF;
            }
            heic |= HEIC_BRANDS.contains(brand);
        }
        return heic ? ImageFormat.HEIC : null;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return regionEquals(data, 0, prefix);
    }

    private static boolean regionEquals(byte[] data, int offset, byte[] expected) {
        return data.length >= offset + expected.length
                && Arrays.equals(data, offset, offset + expected.length, expected, 0, expected.length);
    }

    private static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
