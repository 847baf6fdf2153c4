package dev.geoloc.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import dev.geoloc.regions.LatLon;

/**
 * Photos whose places are known, as the model sees them: each one's L2-normalised embedding (float16), its
 * coordinates and its region. A photo to geotag is compared with them by cosine similarity, within the regions its
 * prediction favours, so that a match can place it more finely than its region's centre. Immutable; searches are
 * safe from many threads.
 *
 * <p>Search is exact: a scan of the candidate regions' entries. At this project's sizes (up to
 * {@link GalleryFile#MAX_ENTRIES} photos, and only the top regions' share of them scanned per image) that costs
 * well under a millisecond per image, less than an approximate index would cost to keep, and it is never wrong.
 */
public final class Gallery {

    /** One photo going in: its embedding as the encoder gave it (normalised here), where it was, its region. */
    public record Entry(float[] embedding, LatLon location, int region) {
    }

    /** One match: the gallery photo, its cosine similarity to the query, and its place. */
    public record Neighbour(int index, double similarity, LatLon location, int region) {
    }

    private final int dimension;
    private final short[] embeddings;
    private final float[] latitudes;
    private final float[] longitudes;
    private final short[] regions;
    private final int[][] byRegion;

    Gallery(int dimension, short[] embeddings, float[] latitudes, float[] longitudes, short[] regions,
            int regionCount) {
        if (dimension < 1 || embeddings.length != (long) dimension * regions.length || latitudes.length != regions.length
                || longitudes.length != regions.length) {
            throw new IllegalArgumentException("a gallery of " + regions.length + " entries of dimension " + dimension
                    + " got " + embeddings.length + " embedding values and " + latitudes.length + " points");
        }
        this.dimension = dimension;
        this.embeddings = embeddings;
        this.latitudes = latitudes;
        this.longitudes = longitudes;
        this.regions = regions;
        List<List<Integer>> members = new ArrayList<>();
        for (int r = 0; r < regionCount; r++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < regions.length; i++) {
            if (regions[i] < 0 || regions[i] >= regionCount) {
                throw new IllegalArgumentException("entry " + i + " is in region " + regions[i] + " of " + regionCount);
            }
            members.get(regions[i]).add(i);
        }
        this.byRegion = members.stream().map(list -> list.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
    }

    /** A gallery of these photos over a catalog of {@code regionCount} regions. */
    public static Gallery of(int dimension, int regionCount, List<Entry> entries) {
        short[] embeddings = new short[dimension * entries.size()];
        float[] latitudes = new float[entries.size()];
        float[] longitudes = new float[entries.size()];
        short[] regions = new short[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.embedding().length != dimension) {
                throw new IllegalArgumentException("entry " + i + " has " + entry.embedding().length
                        + " dimensions, not " + dimension);
            }
            float[] unit = normalised(entry.embedding());
            for (int d = 0; d < dimension; d++) {
                embeddings[i * dimension + d] = HalfFloat.fromFloat(unit[d]);
            }
            latitudes[i] = (float) entry.location().latitude();
            longitudes[i] = (float) entry.location().longitude();
            regions[i] = (short) entry.region();
        }
        return new Gallery(dimension, embeddings, latitudes, longitudes, regions, regionCount);
    }

    public int dimension() {
        return dimension;
    }

    public int size() {
        return regions.length;
    }

    public int regionCount() {
        return byRegion.length;
    }

    /**
     * The {@code k} entries of these regions most similar to {@code query}, most similar first.
     *
     * @param query an embedding of this gallery's dimension, normalised or not
     */
    public List<Neighbour> nearest(float[] query, int[] inRegions, int k) {
        if (query.length != dimension) {
            throw new IllegalArgumentException("a query of " + query.length + " dimensions for a gallery of " + dimension);
        }
        float[] unit = normalised(query);
        PriorityQueue<Neighbour> best = new PriorityQueue<>(Comparator.comparingDouble(Neighbour::similarity));
        for (int region : inRegions) {
            for (int index : byRegion[region]) {
                double similarity = dot(unit, index);
                if (best.size() < k) {
                    best.add(neighbour(index, similarity));
                } else if (similarity > best.peek().similarity()) {
                    best.poll();
                    best.add(neighbour(index, similarity));
                }
            }
        }
        List<Neighbour> sorted = new ArrayList<>(best);
        sorted.sort(Comparator.comparingDouble(Neighbour::similarity).reversed());
        return sorted;
    }

    private Neighbour neighbour(int index, double similarity) {
        return new Neighbour(index, similarity, new LatLon(latitudes[index], longitudes[index]), regions[index]);
    }

    private double dot(float[] unit, int index) {
        int offset = index * dimension;
        double sum = 0;
        for (int d = 0; d < dimension; d++) {
            sum += unit[d] * HalfFloat.toFloat(embeddings[offset + d]);
        }
        return sum;
    }

    static float[] normalised(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] unit = new float[vector.length];
        if (norm == 0 || !Double.isFinite(norm)) {
            return unit; // similar to nothing: a zero vector matches no entry better than another
        }
        for (int d = 0; d < vector.length; d++) {
            unit[d] = (float) (vector[d] / norm);
        }
        return unit;
    }

    short[] embeddings() {
        return embeddings;
    }

    float[] latitudes() {
        return latitudes;
    }

    float[] longitudes() {
        return longitudes;
    }

    short[] regions() {
        return regions;
    }
}
