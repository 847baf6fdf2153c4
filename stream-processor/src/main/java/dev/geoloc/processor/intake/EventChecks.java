package dev.geoloc.processor.intake;

import java.time.Duration;
import java.time.Instant;

import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;

/**
 * What an {@link ImageEvent} must be beyond its schema: fields within the intake limits, an id that is there, an
 * image that is not empty, a plausible upload_time and ground truth. The stream's events and the API's requests meet
 * the same checks, with the same reasons.
 */
public final class EventChecks {

    /** How far from now an upload_time may be. */
    private static final Duration MAX_AGE = Duration.ofDays(3650);

    private final IntakeLimits limits;

    public EventChecks(IntakeLimits limits) {
        this.limits = limits;
    }

    /** @return the event, unchanged, once it passed */
    public ImageEvent checked(ImageEvent event) throws Rejection {
        limits.checkFields(event);
        limits.checkCaptureGroup(event.getCaptureGroup());
        if (event.getImageId() == null || event.getImageId().isBlank()) {
            throw new Rejection(DeadLetterCode.MISSING_FIELD, "image_id is empty");
        }
        if (event.getContent() instanceof InlineImage inline && !inline.getData().hasRemaining()) {
            throw new Rejection(DeadLetterCode.EMPTY_IMAGE, "The inline image of " + event.getImageId() + " has no bytes");
        }
        Instant now = Instant.now();
        if (event.getUploadTime().isBefore(now.minus(MAX_AGE)) || event.getUploadTime().isAfter(now.plus(MAX_AGE))) {
            // Also keeps latency arithmetic in range: a timestamp in microseconds would overflow it.
            throw new Rejection(DeadLetterCode.MALFORMED_RECORD, "upload_time " + event.getUploadTime()
                    + " is more than " + MAX_AGE.toDays() + " days from now; it must be UTC milliseconds since 1970");
        }
        GeoPoint truth = event.getGroundTruth();
        if (truth != null && !(Math.abs(truth.getLatitude()) <= 90 && Math.abs(truth.getLongitude()) <= 180)) {
            throw new Rejection(DeadLetterCode.MALFORMED_RECORD, "ground_truth (" + truth.getLatitude() + ", "
                    + truth.getLongitude() + ") is not a latitude in [-90, 90] and a longitude in [-180, 180]");
        }
        return event;
    }
}
