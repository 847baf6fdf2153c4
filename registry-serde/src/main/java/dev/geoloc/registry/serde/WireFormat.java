package dev.geoloc.registry.serde;

import java.nio.ByteBuffer;

import dev.geoloc.registry.serde.AvroSerdeException.Reason;

/**
 * Confluent's wire format: magic byte 0, the writer schema's registry id as a 4-byte big-endian int, then
 * the Avro binary encoding of the record.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** The five header bytes for a schema id. */
    public static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_LENGTH).put(MAGIC_BYTE).putInt(schemaId).array();
    }

    /**
     * The writer schema id of a payload in the wire format.
     *
     * @throws AvroSerdeException {@code NOT_WIRE_FORMAT} when the payload is too short or the magic byte is wrong
     */
    public static int schemaId(byte[] payload) {
        if (payload.length < HEADER_LENGTH) {
            throw new AvroSerdeException(Reason.NOT_WIRE_FORMAT, "Payload of " + payload.length
                    + " bytes is shorter than the Confluent wire format's 5-byte header");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new AvroSerdeException(Reason.NOT_WIRE_FORMAT, String.format(
                    "Unknown magic byte 0x%02x: not Confluent wire format (expected 0x00 then a 4-byte schema id)",
                    payload[0]));
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }
}
