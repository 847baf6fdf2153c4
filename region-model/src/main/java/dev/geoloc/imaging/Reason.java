package dev.geoloc.imaging;

/** Why an image was refused. Each name is meant to serve as the stream processor's dead-letter code. */
public enum Reason {
    /** Zero bytes. */
    EMPTY_IMAGE,
    /** More bytes than {@link ImageLimits#maxBytes()}: refused before anything is read. */
    PAYLOAD_TOO_LARGE,
    /** No known image signature: text, HTML, an archive, random bytes. */
    NOT_AN_IMAGE,
    /** A recognised image format that is not decoded here (see {@link ImageFormat#supported()}). */
    UNSUPPORTED_FORMAT,
    /** The data ends before the header, or before the format's end marker. */
    TRUNCATED_IMAGE,
    /** The header is self-contradictory (a zero width, an invalid bit depth) or the decoder rejects the data. */
    CORRUPT_IMAGE,
    /** The header declares more pixels or a longer side than {@link ImageLimits} allow: refused before decoding. */
    IMAGE_TOO_LARGE,
    /**
     * Within the size limits, but the decoder's work or memory would be out of proportion to the image: a
     * progressive JPEG with thousands of scans, TIFF tiles far larger than the image. Refused before decoding.
     */
    DECODE_TOO_COSTLY
}
