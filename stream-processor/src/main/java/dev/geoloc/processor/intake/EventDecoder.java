package dev.geoloc.processor.intake;


import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.kafka.common.serialization.Deserializer;

import dev.geoloc.registry.serde.AvroSerdeException;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ImageEvent;

/**
 * Reads an {@link ImageEvent} from a record's value bytes and checks what Avro cannot ({@link EventChecks}). The
 * input topic is read as bytes and decoded here, so a broken record becomes a dead letter with its exact bytes
 * instead of an exception in Kafka Streams' deserializer.
 */
public final class EventDecoder {

    private final Deserializer<ImageEvent> deserializer;
    private final EventChecks checks;

    public EventDecoder(Deserializer<ImageEvent> deserializer, IntakeLimits limits) {
        this.deserializer = deserializer;
        this.checks = new EventChecks(limits);
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
        return checks.checked(event);
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
