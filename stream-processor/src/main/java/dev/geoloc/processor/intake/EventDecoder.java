package dev.geoloc.processor.intake;

import java.time.Duration;
import java.time.Instant;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.kafka.common.serialization.Deserializer;

import dev.geoloc.registry.serde.AvroSerdeException;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;

/**
 * Reads an {@link ImageEvent} from a record's value bytes and checks what Avro cannot: an id that is there, an
 * image that is not empty. The input topic is read as bytes and decoded here, so a broken record becomes a dead
 * letter with its exact bytes instead of an exception in Kafka Streams' deserializer.
 */
public final class EventDecoder {

    /** How far from now an upload_time may be. */
    private static final Duration MAX_AGE = Duration.ofDays(3650);

    private final Deserializer<ImageEvent> deserializer;
    private final IntakeLimits limits;

    public EventDecoder(Deserializer<ImageEvent> deserializer, IntakeLimits limits) {
        this.deserializer = deserializer;
        this.limits = limits;
    }

    /**
     * @throws Rejection for a record that is not a usable event
     * @throws AvroSerdeException with reason REGISTRY_UNAVAILABLE when the registry cannot be asked: the record
     *         may be fine, so it must be retried, not dead-lettered
     */
    public ImageEvent decode(String topic, byte[] value) throws Rejection {
        if (value == null) {
            throw new Rejection(DeadLetterCode.MALFORMED_RECORD, "The record has no value (a tombstone); an ImageEvent was expected");
        }
        ImageEvent event;
        try {
            event = deserializer.deserialize(topic, value);
        } catch (AvroSerdeException e) {
            throw switch (e.reason()) {
                case NOT_WIRE_FORMAT -> new Rejection(DeadLetterCode.NOT_WIRE_FORMAT, e.getMessage());
                case UNKNOWN_SCHEMA_ID -> new Rejection(DeadLetterCode.UNKNOWN_SCHEMA, e.getMessage());
                case UNKNOWN_RECORD_TYPE -> new Rejection(DeadLetterCode.UNKNOWN_SCHEMA, e.getMessage()
                        + "; the topic carries ImageEvent records");
                case UNUSABLE_SCHEMA -> new Rejection(DeadLetterCode.UNKNOWN_SCHEMA, e.getMessage()
                        + "; the topic carries Avro ImageEvent records");
                case MALFORMED_PAYLOAD -> new Rejection(missingField(e) ? DeadLetterCode.MISSING_FIELD
                        : DeadLetterCode.MALFORMED_RECORD, e.getMessage());
                // The registry is down or refuses our credentials: the record may be fine. Fail the task; it
                // retries from its last commit.
                default -> throw e;
            };
        } catch (ClassCastException e) {
            throw new Rejection(DeadLetterCode.UNKNOWN_SCHEMA, "The record's writer schema is not an ImageEvent: " + e.getMessage());
        } catch (AvroRuntimeException e) {
            // Another serde (Confluent's, configured) may let Avro's own refusal of the writer's class through.
            throw new Rejection(DeadLetterCode.UNKNOWN_SCHEMA, "The record's writer schema cannot be read as an ImageEvent: " + e);
        }
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

    /** Avro reports a reader field that the writer lacks and that has no default as "missing required field". */
    private static boolean missingField(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AvroTypeException && String.valueOf(t.getMessage()).contains("missing required field")) {
                return true;
            }
        }
        return false;
    }
}
