package dev.geoloc.trainer.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.geoloc.regions.LatLon;
import dev.geoloc.retrieval.Gallery;
import dev.geoloc.retrieval.Retrieval;

/**
 * Chooses a {@link Retrieval} on held-out photos: every setting of a small grid is scored by the share of photos
 * placed within 1 km of where they were taken (ties: the lower mean error), against the model's point alone (the
 * region-level estimate, or the cell head's point for a bundle with cells). Acc@1km because that is the scale a refinement below the region is for; the grid's similarity thresholds
 * are quantiles of the photos' own best matches, so that they mean something whatever the encoder.
 */
final class RetrievalTuning {

    static final int[] NEIGHBOURS = {5, 10, 20, 40};
    static final int[] REGIONS = {1, 2};
    static final double[] THRESHOLD_QUANTILES = {0, 0.25, 0.5};
    static final double WITHIN_KM = 1;

    /** How photos fared with one setting (empty: the model's point alone). */
    record Score(Optional<Retrieval> retrieval, double withinKm, double meanKm, double refinedShare) {
    }

    /** Every setting's score, best first, and the estimate without retrieval. */
    record Result(List<Score> scores, Score withoutRetrieval) {

        Score best() {
            return scores.get(0);
        }
    }

    private RetrievalTuning() {
    }

    static Result tune(Gallery gallery, List<EmbeddedPhotos.Photo> heldOut) {
        Score without = score(gallery, heldOut, Optional.empty());
        List<Score> scores = new ArrayList<>();
        for (int regions : REGIONS) {
            List<Double> best = new ArrayList<>();
            for (EmbeddedPhotos.Photo photo : heldOut) {
                new Retrieval(1, -1, regions).refine(gallery, photo.embedding(), photo.probabilities())
                        .ifPresent(refinement -> best.add(refinement.topSimilarity()));
            }
            best.sort(Comparator.naturalOrder());
            for (double quantile : THRESHOLD_QUANTILES) {
                double threshold = quantile == 0 || best.isEmpty() ? -1
                        : best.get((int) Math.floor(quantile * (best.size() - 1)));
                for (int neighbours : NEIGHBOURS) {
                    scores.add(score(gallery, heldOut,
                            Optional.of(new Retrieval(neighbours, threshold, regions))));
                }
            }
        }
        scores.sort(Comparator.comparingDouble(Score::withinKm).reversed().thenComparingDouble(Score::meanKm));
        return new Result(List.copyOf(scores), without);
    }

    private static Score score(Gallery gallery, List<EmbeddedPhotos.Photo> photos,
                               Optional<Retrieval> retrieval) {
        int within = 0;
        int refined = 0;
        double total = 0;
        for (EmbeddedPhotos.Photo photo : photos) {
            LatLon point = photo.unrefined();
            Optional<Retrieval.Refinement> refinement = retrieval.flatMap(r -> r.refine(gallery, photo.embedding(),
                    photo.probabilities()));
            if (refinement.isPresent()) {
                point = refinement.get().point();
                refined++;
            }
            double km = point.distanceKm(photo.location());
            total += km;
            within += km <= WITHIN_KM ? 1 : 0;
        }
        int n = Math.max(1, photos.size());
        return new Score(retrieval, (double) within / n, total / n, (double) refined / n);
    }
}
