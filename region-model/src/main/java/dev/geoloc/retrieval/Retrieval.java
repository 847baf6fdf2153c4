package dev.geoloc.retrieval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.geoloc.regions.LatLon;

/**
 * How a prediction is refined by its nearest gallery photos: search the {@code regions} most probable regions
 * for the {@code neighbours} most similar photos and, when the best of them is at least {@code minSimilarity}
 * alike, answer their similarity-weighted mean position instead of the region-level estimate. The three are
 * tuned on validation data by the trainer and travel in the gallery file.
 */
public record Retrieval(int neighbours, double minSimilarity, int regions) {

    /** What a refinement found: the point, and how alike its best match was. */
    public record Refinement(LatLon point, double topSimilarity, int neighbours) {
    }

    public Retrieval {
        if (neighbours < 1 || regions < 1 || !(minSimilarity >= -1 && minSimilarity <= 1)) {
            throw new IllegalArgumentException("retrieval needs at least 1 neighbour and 1 region and a similarity "
                    + "in [-1, 1]; got " + neighbours + ", " + regions + ", " + minSimilarity);
        }
    }

    /**
     * @param embedding     the photo's embedding, as the encoder gave it
     * @param probabilities the prediction's region probabilities, in label order
     * @return the refined point, or empty when no gallery photo of the top regions is alike enough
     */
    public Optional<Refinement> refine(Gallery gallery, float[] embedding, float[] probabilities) {
        List<Gallery.Neighbour> nearest = gallery.nearest(embedding, topRegions(probabilities), neighbours);
        if (nearest.isEmpty() || nearest.get(0).similarity() < minSimilarity) {
            return Optional.empty();
        }
        double weights = 0;
        double latitude = 0;
        double longitude = 0;
        for (Gallery.Neighbour neighbour : nearest) {
            // Similarities below 0 would pull away from a photo: they carry no weight.
            double weight = Math.max(neighbour.similarity(), 0);
            weights += weight;
            latitude += weight * neighbour.location().latitude();
            longitude += weight * neighbour.location().longitude();
        }
        if (weights == 0) {
            return Optional.empty();
        }
        // A weighted mean of degrees is the weighted mean position to within metres at a city's scale.
        return Optional.of(new Refinement(new LatLon(latitude / weights, longitude / weights),
                nearest.get(0).similarity(), nearest.size()));
    }

    private int[] topRegions(float[] probabilities) {
        Integer[] order = new Integer[probabilities.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> probabilities[j]).reversed());
        int[] top = new int[Math.min(regions, order.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = order[i];
        }
        return top;
    }
}
