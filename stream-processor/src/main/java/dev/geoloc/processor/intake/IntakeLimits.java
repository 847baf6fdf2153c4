package dev.geoloc.processor.intake;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import dev.geoloc.model.Sha256;
import dev.geoloc.schemas.CaptureGroup;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ImageEvent;

/**
 * The most a record may carry besides its image. Every answer copies the record's key, and a prediction its
 * image_id, so these limits are what keep each output record under its topic's max.message.bytes: a record over
 * them gets a dead letter with a code of its own instead of an answer the broker would refuse (which used to fail
 * the stream thread at every replacement, and stop the partition for good). The metadata limit bounds the heap an
 * event holds while it waits for inference.
 */
public record IntakeLimits(int maxKeyBytes, int maxImageIdBytes, int maxMetadataBytes, int maxGroupViews) {

    public IntakeLimits {
        if (maxKeyBytes < 64 || maxImageIdBytes < 1 || maxMetadataBytes < 0 || maxGroupViews < 1) {
            throw new IllegalArgumentException("intake limits: keys of at least 64 bytes (a SHA-256 stands in for a"
                    + " longer one), image ids of at least 1, metadata of at least 0, groups of at least 1 view; got "
                    + maxKeyBytes + ", " + maxImageIdBytes + ", " + maxMetadataBytes + ", " + maxGroupViews);
        }
    }

    public boolean keyTooLong(byte[] key) {
        return key != null && key.length > maxKeyBytes;
    }

    /**
     * What an answer to a record with an over-long key is keyed by: {@code sha256:<hex>} of the key, which stays the
     * same for the same key (a consumer can still group by it) and fits any topic.
     */
    public static byte[] standInKey(byte[] key) {
        return ("sha256:" + Sha256.of(key)).getBytes(StandardCharsets.US_ASCII);
    }

    /** The dead letter of a record whose key is over the limit; {@code origin} is where the record itself stays. */
    public Rejection keyRejection(byte[] key, String origin) {
        return new Rejection(DeadLetterCode.OVERSIZED_KEY, String.format(Locale.ROOT,
                "The record's %,d-byte key is over the %,d bytes accepted (geoloc.intake.max-key-bytes): answers copy "
                        + "the key, and their topics would refuse them. This dead letter is keyed by the key's %s; "
                        + "the record itself is at %s", key.length, maxKeyBytes,
                new String(standInKey(key), StandardCharsets.US_ASCII), origin));
    }

    /**
     * @throws Rejection OVERSIZED_FIELD for an image_id, or source_platform and metadata, over the limits; the reason
     *         quotes none of them
     */
    public void checkFields(ImageEvent event) throws Rejection {
        int idBytes = utf8Length(event.getImageId());
        if (idBytes > maxImageIdBytes) {
            throw new Rejection(DeadLetterCode.OVERSIZED_FIELD, String.format(Locale.ROOT,
                    "image_id is %,d bytes (UTF-8); at most %,d are accepted (geoloc.intake.max-image-id-bytes): "
                            + "each prediction copies it", idBytes, maxImageIdBytes));
        }
        long copiedBytes = utf8Length(event.getSourcePlatform());
        for (Map.Entry<String, String> entry : event.getMetadata().entrySet()) {
            copiedBytes += utf8Length(entry.getKey()) + utf8Length(entry.getValue());
        }
        if (copiedBytes > maxMetadataBytes) {
            throw new Rejection(DeadLetterCode.OVERSIZED_FIELD, String.format(Locale.ROOT,
                    "source_platform and metadata (%,d entries) hold %,d bytes in all (UTF-8 keys and values); at "
                            + "most %,d bytes are accepted (geoloc.intake.max-metadata-bytes): each prediction copies "
                            + "them", event.getMetadata().size(), copiedBytes, maxMetadataBytes));
        }
    }

    /**
     * A capture group's fields, which key and bound its panorama's state: an id like an image id, a size the
     * fusing task will hold, a heading that is a compass bearing.
     *
     * @throws Rejection MALFORMED_RECORD or OVERSIZED_FIELD, naming the field
     */
    public void checkCaptureGroup(CaptureGroup group) throws Rejection {
        if (group == null) {
            return;
        }
        if (group.getGroupId() == null || group.getGroupId().isBlank()) {
            throw new Rejection(DeadLetterCode.MISSING_FIELD, "capture_group.group_id is empty");
        }
        int idBytes = utf8Length(group.getGroupId());
        if (idBytes > maxImageIdBytes) {
            throw new Rejection(DeadLetterCode.OVERSIZED_FIELD, String.format(Locale.ROOT,
                    "capture_group.group_id is %,d bytes (UTF-8); at most %,d are accepted "
                            + "(geoloc.intake.max-image-id-bytes): each panorama prediction is keyed by it", idBytes,
                    maxImageIdBytes));
        }
        if (group.getSize() < 1 || group.getSize() > maxGroupViews) {
            throw new Rejection(DeadLetterCode.MALFORMED_RECORD, "capture_group.size " + group.getSize()
                    + " is outside 1 to " + maxGroupViews + " (geoloc.panorama.max-views)");
        }
        Integer heading = group.getHeading();
        if (heading != null && (heading < 0 || heading >= 360)) {
            throw new Rejection(DeadLetterCode.MALFORMED_RECORD, "capture_group.heading " + heading
                    + " is not a bearing in degrees from 0 to 359");
        }
    }

    /** Without encoding: the string may be megabytes. */
    private static int utf8Length(CharSequence text) {
        if (text == null) {
            return 0;
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
