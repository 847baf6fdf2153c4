package dev.geoloc.registry.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that could not be serialized or deserialized, with the {@link Reason}: a processor sends records
 * with a data problem to a dead-letter topic, but must not do that while the registry is merely unavailable.
 */
public final class AvroSerdeException extends SerializationException {

    /** Why the serde failed. */
    public enum Reason {
        /** The bytes do not start with the Confluent wire format's header (magic byte 0, 4-byte schema id). */
        NOT_WIRE_FORMAT,
        /** The schema id in the header is unknown to the registry. */
        UNKNOWN_SCHEMA_ID,
        /** The writer schema names a record type with no generated class on the classpath. */
        UNKNOWN_RECORD_TYPE,
        /** The schema id names a schema this serde cannot read: not Avro, unparseable, or with references. */
        UNUSABLE_SCHEMA,
        /** The Avro body does not decode with the writer schema (truncated, corrupt, wrong schema). */
        MALFORMED_PAYLOAD,
        /** The schema is not registered and auto-registration is off. */
        SCHEMA_NOT_REGISTERED,
        /** The registry refused to register the schema: it breaks the subject's compatibility rule. */
        INCOMPATIBLE_SCHEMA,
        /** The registry could not be reached or failed: the record itself may be fine, try again later. */
        REGISTRY_UNAVAILABLE,
        /** The registry refused: credentials, or a request it would not answer. */
        REGISTRY_REFUSED
    }

    private final Reason reason;

    public AvroSerdeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public AvroSerdeException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
