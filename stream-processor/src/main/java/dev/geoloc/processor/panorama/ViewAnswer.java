package dev.geoloc.processor.panorama;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.geoloc.regions.LatLon;

/**
 * What the geotagger said of one view of a capture group, as it travels to the task that fuses the group (topic
 * panorama-views, keyed by group id) and waits in that task's store. A view whose event became a dead letter is
 * sent too, without probabilities, so that its group need not wait for its window to close.
 *
 * @param expectedViews the group's size as this view's event announced it
 * @param probabilities one per region of the answering model's catalog, in label order; empty for a failed view
 * @param catalogHash   that catalog's hash: views are fused only with views over the same regions
 * @param truth         the event's ground truth, when it had one
 */
public record ViewAnswer(String groupId, int expectedViews, String imageId, OptionalInt heading, String modelName,
                         int modelVersion, String catalogHash, float[] probabilities, Optional<LatLon> truth) {

    private static final byte FORMAT = 1;

    public ViewAnswer {
        probabilities = probabilities.clone();
    }

    /** A view whose event could not be predicted: it counts as arrived, and is not fused. */
    public static ViewAnswer failed(String groupId, int expectedViews, String imageId, OptionalInt heading) {
        return new ViewAnswer(groupId, expectedViews, imageId, heading, "", 0, "", new float[0], Optional.empty());
    }

    public boolean predicted() {
        return probabilities.length > 0;
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    public static Serde<ViewAnswer> serde() {
        return Serdes.serdeFrom((topic, view) -> view == null ? null : view.toBytes(),
                (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + 4 * probabilities.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ViewAnswer fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("view-answer format " + format + " is unknown to this version");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the view without a format byte, for {@link PanoramaState}'s encoding, which has its own. */
    void write(DataOutputStream out) throws IOException {
        writeText(out, groupId);
        out.writeInt(expectedViews);
        writeText(out, imageId);
        out.writeInt(heading.orElse(-1));
        writeText(out, modelName);
        out.writeInt(modelVersion);
        writeText(out, catalogHash);
        out.writeInt(probabilities.length);
        for (float p : probabilities) {
            out.writeFloat(p);
        }
        out.writeBoolean(truth.isPresent());
        if (truth.isPresent()) {
            out.writeDouble(truth.get().latitude());
            out.writeDouble(truth.get().longitude());
        }
    }

    /** Length and UTF-8 bytes: writeUTF's 64 KiB limit would make an over-long id fail the task at its sink. */
    static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static String readText(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[length(in, 1)];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /**
     * A length read from {@code in}, of items {@code itemBytes} long, refused unless that many bytes remain: a record
     * anyone wrote to the topic could otherwise make this allocate an array as large as the heap, whose
     * OutOfMemoryError no handler of a record's failure catches. ({@code in} reads a byte array, so what it has
     * available is what remains.)
     */
    private static int length(DataInputStream in, int itemBytes) throws IOException {
        int length = in.readInt();
        if (length < 0 || (long) length * itemBytes > in.available()) {
            throw new IllegalStateException("a length of " + length + " where " + in.available() + " bytes remain");
        }
        return length;
    }

    static ViewAnswer read(DataInputStream in) throws IOException {
        String groupId = readText(in);
        int expectedViews = in.readInt();
        String imageId = readText(in);
        int heading = in.readInt();
        String modelName = readText(in);
        int modelVersion = in.readInt();
        String catalogHash = readText(in);
        float[] probabilities = new float[length(in, Float.BYTES)];
        for (int j = 0; j < probabilities.length; j++) {
            probabilities[j] = in.readFloat();
        }
        Optional<LatLon> truth = in.readBoolean() ? Optional.of(new LatLon(in.readDouble(), in.readDouble()))
                : Optional.empty();
        return new ViewAnswer(groupId, expectedViews, imageId, heading < 0 ? OptionalInt.empty() : OptionalInt.of(heading),
                modelName, modelVersion, catalogHash, probabilities, truth);
    }
}
