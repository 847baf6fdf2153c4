package dev.geoloc.trainer.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.geoloc.panorama.PanoramaFusion;
import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;

/**
 * An evaluation's images grouped by location (a panorama's views: the manifest's {@code location_id}), each
 * location answered once from its views' probabilities fused by {@link PanoramaFusion}, the function the stream's
 * panorama fusion calls, so that what is measured is what is served.
 *
 * @param single the images that were scored with the model's probabilities, one outcome each, in their order
 * @param fused  one outcome per location of {@code single}, in the order the locations first appear there
 * @param views  how many views the locations had
 */
public record FusedLocations(Evaluation single, Evaluation fused, ViewCounts views) {

    /**
     * Views per location: fewer than a panorama's where some of its photos could not be read.
     *
     * @param median of an even number of locations, the mean of the two middle counts
     */
    public record ViewCounts(int min, double median, int max) {

        static ViewCounts of(List<Integer> counts) {
            List<Integer> sorted = counts.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
            return new ViewCounts(sorted.get(0), median, sorted.get(n - 1));
        }
    }

    /**
     * Fuses the views of each location of {@code evaluation}; images scored without probabilities have nothing to
     * fuse and are left out of both {@link #single} and {@link #fused}.
     *
     * @param estimator the model's own, so that a fused estimate is made as the stream makes it
     * @throws IllegalArgumentException when no image has probabilities
     */
    static FusedLocations of(Evaluation evaluation, RegionCatalog catalog, LocationEstimator estimator) {
        List<ImageOutcome> withProbabilities = evaluation.outcomes().stream()
                .filter(outcome -> outcome.forecast().isPresent()).toList();
        if (withProbabilities.isEmpty()) {
            throw new IllegalArgumentException("no image was scored with the model's probabilities: nothing to fuse");
        }
        Map<String, List<ImageOutcome>> byLocation = new LinkedHashMap<>();
        for (ImageOutcome outcome : withProbabilities) {
            byLocation.computeIfAbsent(outcome.locationId(), id -> new ArrayList<>()).add(outcome);
        }
        EvaluationAccumulator fused = new EvaluationAccumulator(catalog, estimator);
        List<Integer> counts = new ArrayList<>(byLocation.size());
        byLocation.forEach((location, views) -> {
            List<float[]> probabilities = views.stream().map(view -> view.forecast().orElseThrow().probabilities()).toList();
            // the views were taken at one spot, so the first one's region and point are the location's
            ImageOutcome first = views.get(0);
            fused.add(location, first.trueRegion(), first.truePoint(), PanoramaFusion.fuse(probabilities));
            counts.add(views.size());
        });
        Evaluation single = withProbabilities.size() == evaluation.samples() ? evaluation
                : Evaluation.of(catalog.ids(), catalog.regions().stream().map(Region::name).toList(), withProbabilities);
        return new FusedLocations(single, fused.result(), ViewCounts.of(counts));
    }

    int locations() {
        return fused.samples();
    }
}
