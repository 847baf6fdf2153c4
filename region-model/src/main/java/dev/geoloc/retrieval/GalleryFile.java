package dev.geoloc.retrieval;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A gallery and its tuned {@link Retrieval} as one binary file of a model bundle ({@code gallery.bin}):
 * a header (magic, format, dimension, regions, entries, the retrieval's three settings), then per entry its region
 * (int16), latitude and longitude (float32: a metre at this latitude) and its embedding (float16 each). 15,000
 * photos of 768 dimensions take 23 MB; the file holds at most {@link #MAX_ENTRIES}.
 */
public final class GalleryFile {

    public static final String NAME = "gallery.bin";
    /** Bounds the file (30 MB at 768 dimensions) and a search's worst case; sample the training photos to fit. */
    public static final int MAX_ENTRIES = 20_000;
    private static final int MAX_DIMENSION = 4096;
    /** The largest file the limits allow: header, then {@link #MAX_ENTRIES} entries of {@code MAX_DIMENSION}. */
    public static final long MAX_BYTES = 36 + (long) MAX_ENTRIES * (10 + 2L * MAX_DIMENSION);
    private static final int MAGIC = 0x47414c31; // "GAL1"
    private static final int FORMAT = 1;

    /** What the file holds: the gallery, and how to search it. */
    public record Contents(Gallery gallery, Retrieval retrieval) {
    }

    private GalleryFile() {
    }

    public static void write(Path file, Gallery gallery, Retrieval retrieval) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            write(out, gallery, retrieval);
        }
    }

    static void write(DataOutputStream out, Gallery gallery, Retrieval retrieval) throws IOException {
        if (gallery.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a gallery of " + gallery.size() + " photos is over the "
                    + MAX_ENTRIES + " a bundle may carry: sample the training photos");
        }
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeInt(gallery.dimension());
        out.writeInt(gallery.regionCount());
        out.writeInt(gallery.size());
        out.writeInt(retrieval.neighbours());
        out.writeDouble(retrieval.minSimilarity());
        out.writeInt(retrieval.regions());
        for (int i = 0; i < gallery.size(); i++) {
            out.writeShort(gallery.regions()[i]);
            out.writeFloat(gallery.latitudes()[i]);
            out.writeFloat(gallery.longitudes()[i]);
        }
        for (short value : gallery.embeddings()) {
            out.writeShort(value);
        }
    }

    /**
     * @throws GalleryException for a file that is not a gallery of this format, is cut short, or is over the limits
     */
    public static Contents read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            return read(in);
        }
    }

    static Contents read(DataInputStream in) throws IOException {
        try {
            if (in.readInt() != MAGIC) {
                throw new GalleryException("not a gallery file (its first bytes are not GAL1)");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new GalleryException("gallery format " + format + " is unknown to this version");
            }
            int dimension = in.readInt();
            int regionCount = in.readInt();
            int size = in.readInt();
            if (dimension < 1 || dimension > MAX_DIMENSION || size < 0 || size > MAX_ENTRIES || regionCount < 1
                    || regionCount > Short.MAX_VALUE) {
                throw new GalleryException("a gallery of " + size + " photos of " + dimension + " dimensions over "
                        + regionCount + " regions is outside the limits (" + MAX_ENTRIES + " photos, " + MAX_DIMENSION
                        + " dimensions)");
            }
            Retrieval retrieval;
            try {
                retrieval = new Retrieval(in.readInt(), in.readDouble(), in.readInt());
            } catch (IllegalArgumentException e) {
                throw new GalleryException("the gallery's retrieval settings are invalid: " + e.getMessage());
            }
            short[] regions = new short[size];
            float[] latitudes = new float[size];
            float[] longitudes = new float[size];
            for (int i = 0; i < size; i++) {
                regions[i] = in.readShort();
                latitudes[i] = in.readFloat();
                longitudes[i] = in.readFloat();
            }
            short[] embeddings = new short[size * dimension];
            for (int i = 0; i < embeddings.length; i++) {
                embeddings[i] = in.readShort();
            }
            if (in.read() != -1) {
                throw new GalleryException("the gallery file goes on after its " + size + " photos");
            }
            return new Contents(new Gallery(dimension, embeddings, latitudes, longitudes, regions, regionCount),
                    retrieval);
        } catch (EOFException e) {
            throw new GalleryException("the gallery file is cut short");
        } catch (IllegalArgumentException e) {
            throw new GalleryException(e.getMessage());
        }
    }
}
