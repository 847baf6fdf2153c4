package dev.geoloc.trainer.evaluation;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

import dev.geoloc.panorama.PanoramaFusion;
import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.regions.RegionCatalog;

/**
 * An evaluation's images fused by location: each location's views (one panorama) answered as one, with the
 * probabilities the stream's panorama fusion would give them ({@link PanoramaFusion}), set against the same images
 * answered one by one. The comparison is paired: a bootstrap draws locations, and scores both on what it drew.
 *
 * @param single the images, one outcome each, all with the model's probabilities
 * @param fused  one outcome per location, in the order the locations first appear
 */
record FusedLocations(Evaluation single, Evaluation fused) {

    /** The targets for fusion on the blocked split. */
    static final double TARGET_ACCURACY_GAIN = 0.06;
    static final double TARGET_CENTER_ERROR_CHANGE = -0.30;

    /**
     * @param estimator the model's own, so that the fused estimate is made as the stream makes it
     * @throws IllegalArgumentException when an image was scored without probabilities
     */
    static FusedLocations of(Evaluation single, RegionCatalog catalog, LocationEstimator estimator) {
        Map<String, List<ImageOutcome>> byLocation = byLocation(single);
        EvaluationAccumulator fused = new EvaluationAccumulator(catalog, estimator);
        for (Map.Entry<String, List<ImageOutcome>> location : byLocation.entrySet()) {
            List<float[]> views = new ArrayList<>();
            for (ImageOutcome view : location.getValue()) {
                views.add(view.forecast().orElseThrow(() -> new IllegalArgumentException("image of "
                        + location.getKey() + " was scored without probabilities: nothing to fuse")).probabilities());
            }
            ImageOutcome first = location.getValue().get(0);
            fused.add(location.getKey(), first.trueRegion(), first.truePoint(), PanoramaFusion.fuse(views));
        }
        return new FusedLocations(single, fused.result());
    }

    private static Map<String, List<ImageOutcome>> byLocation(Evaluation evaluation) {
        Map<String, List<ImageOutcome>> groups = new LinkedHashMap<>();
        for (ImageOutcome outcome : evaluation.outcomes()) {
            groups.computeIfAbsent(outcome.locationId(), id -> new ArrayList<>()).add(outcome);
        }
        return groups;
    }

    void print(PrintWriter console, LocationBootstrap bootstrap) {
        List<Integer> views = byLocation(single).values().stream().map(List::size).sorted().toList();
        console.printf(Locale.ROOT, "Per location: %d locations of %d to %d views (median %d), each answered once from "
                        + "its views' fused probabilities (mean log-probability, docs/panoramas.md)%n", fused.samples(),
                views.get(0), views.get(views.size() - 1), views.get(views.size() / 2));
        line(console, "fused", fused);
        line(console, "single photos", single);
        List<ToDoubleFunction<Evaluation>> figures = List.of(Evaluation::accuracy,
                e -> e.distance(ErrorMeasure.REGION_CENTERS).meanKm(), e -> e.distance(ErrorMeasure.PHOTO).meanKm());
        double[][] gains = gains(figures, bootstrap);
        double accuracyGain = fused.accuracy() - single.accuracy();
        double centerChange = relative(fused, single, ErrorMeasure.REGION_CENTERS);
        double photoChange = relative(fused, single, ErrorMeasure.PHOTO);
        console.printf(Locale.ROOT, "  fused minus single [95 %% paired bootstrap over locations, %d resamples]: "
                        + "accuracy %+.1f [%+.1f, %+.1f] points, mean error centre to centre %+.0f [%+.0f, %+.0f] %%, "
                        + "to the photo %+.0f [%+.0f, %+.0f] %%%n", bootstrap.resamples(),
                100 * accuracyGain, 100 * gains[0][0], 100 * gains[0][1],
                100 * centerChange, 100 * gains[1][0], 100 * gains[1][1],
                100 * photoChange, 100 * gains[2][0], 100 * gains[2][1]);
        console.printf(Locale.ROOT, "  targets: accuracy at least +%.0f points: %s; centre-to-centre mean error at least "
                        + "%.0f %% lower: %s%n", 100 * TARGET_ACCURACY_GAIN,
                accuracyGain >= TARGET_ACCURACY_GAIN ? "met" : "missed", -100 * TARGET_CENTER_ERROR_CHANGE,
                centerChange <= TARGET_CENTER_ERROR_CHANGE ? "met" : "missed");
    }

    private static void line(PrintWriter console, String label, Evaluation evaluation) {
        console.printf(Locale.ROOT, "  %-14s accuracy %.2f %%, mean error centre to centre %.2f km, to the photo %.2f km, "
                        + "@1km to the photo %.1f %%%n", label, 100 * evaluation.accuracy(),
                evaluation.distance(ErrorMeasure.REGION_CENTERS).meanKm(), evaluation.distance(ErrorMeasure.PHOTO).meanKm(),
                100 * evaluation.distance(ErrorMeasure.PHOTO).accuracyWithinKm(1));
    }

    private static double relative(Evaluation fused, Evaluation single, ErrorMeasure measure) {
        double base = single.distance(measure).meanKm();
        return base == 0 ? 0 : fused.distance(measure).meanKm() / base - 1;
    }

    /**
     * The 95 % interval of each gain: the accuracy's difference, the mean errors' relative change. Each resample
     * draws locations with replacement and takes, for each drawn location, its fused outcome and all its views.
     */
    private double[][] gains(List<ToDoubleFunction<Evaluation>> figures, LocationBootstrap bootstrap) {
        List<List<Integer>> views = new ArrayList<>(byLocation(single).size());
        Map<String, List<Integer>> indices = new LinkedHashMap<>();
        for (int i = 0; i < single.outcomes().size(); i++) {
            indices.computeIfAbsent(single.outcomes().get(i).locationId(), id -> new ArrayList<>()).add(i);
        }
        views.addAll(indices.values());
        Random random = new Random(bootstrap.seed());
        int locations = views.size();
        double[][] replicates = new double[figures.size()][bootstrap.resamples()];
        for (int b = 0; b < bootstrap.resamples(); b++) {
            int[] fusedDrawn = new int[locations];
            List<Integer> singleDrawn = new ArrayList<>();
            for (int k = 0; k < locations; k++) {
                int location = random.nextInt(locations);
                fusedDrawn[k] = location;
                singleDrawn.addAll(views.get(location));
            }
            Evaluation fusedSample = fused.resample(fusedDrawn);
            Evaluation singleSample = single.resample(singleDrawn.stream().mapToInt(Integer::intValue).toArray());
            for (int f = 0; f < figures.size(); f++) {
                double a = figures.get(f).applyAsDouble(fusedSample);
                double s = figures.get(f).applyAsDouble(singleSample);
                replicates[f][b] = f == 0 ? a - s : (s == 0 ? 0 : a / s - 1);
            }
        }
        double[][] intervals = new double[figures.size()][];
        for (int f = 0; f < figures.size(); f++) {
            double[] sorted = replicates[f].clone();
            java.util.Arrays.sort(sorted);
            intervals[f] = new double[] {sorted[(int) Math.floor(0.025 * (sorted.length - 1))],
                    sorted[(int) Math.ceil(0.975 * (sorted.length - 1))]};
        }
        return intervals;
    }
}
