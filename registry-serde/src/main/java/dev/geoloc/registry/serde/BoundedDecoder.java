package dev.geoloc.registry.serde;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary decoder over a payload whose size is known, refusing any string, bytes or block length that
 * claims more than the bytes that remain.
 *
 * <p>Avro's own decoder allocates whatever length a payload claims before it finds the bytes missing: a
 * seven-byte corrupt record asks for a 2 GB array and kills the JVM with an OutOfMemoryError. Here such a
 * record fails at once with an IOException. Block counts are held to the same bound, since every item of a
 * useful type takes at least one byte (arrays of {@code null} and of empty records, which take none, are
 * the price).
 */
final class BoundedDecoder extends Decoder {

    private final BinaryDecoder in;

    BoundedDecoder(byte[] payload, int offset, int length) {
        this.in = DecoderFactory.get().binaryDecoder(payload, offset, length, null);
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private int remaining() throws IOException {
        return in.inputStream().available();
    }

    private int length(String what) throws IOException {
        long length = in.readLong();
        if (length < 0 || length > remaining()) {
            throw new IOException(what + " claims " + length + " bytes but only " + remaining() + " remain");
        }
        return (int) length;
    }

    private long count(long items, String what) throws IOException {
        if (items > remaining()) {
            throw new IOException(what + " claims " + items + " items but only " + remaining() + " bytes remain");
        }
        return items;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("A string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length("A string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length("A bytes field");
        ByteBuffer result = old != null && old.hasArray() && old.capacity() >= length
                ? old.clear()
                : ByteBuffer.allocate(length);
        in.readFixed(result.array(), result.arrayOffset(), length);
        return result.limit(length);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length("A bytes field"));
    }

    @Override
    public long readArrayStart() throws IOException {
        return count(in.readArrayStart(), "An array block");
    }

    @Override
    public long arrayNext() throws IOException {
        return count(in.arrayNext(), "An array block");
    }

    @Override
    public long skipArray() throws IOException {
        return count(in.skipArray(), "An array block");
    }

    @Override
    public long readMapStart() throws IOException {
        return count(in.readMapStart(), "A map block");
    }

    @Override
    public long mapNext() throws IOException {
        return count(in.mapNext(), "A map block");
    }

    @Override
    public long skipMap() throws IOException {
        return count(in.skipMap(), "A map block");
    }

    // Fixed-size values: their lengths come from the schema, not from the payload.

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
