package dev.geoloc.trainer.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

import dev.geoloc.trainer.compare.Interval;

/**
 * Bootstrap confidence intervals for a model's figures, resampling test <em>locations</em> rather than photos.
 * The photos of one location (one panorama, several headings) are alike, and splits keep them together, so
 * the draws of a test set are its locations: resampling photos one by one would treat 4 headings as 4
 * independent tests and give intervals about half as wide as they should be. The same holds one level up, and is
 * not handled here: a blocked split assigns whole blocks of locations, which share streets too, so where a test
 * block holds many locations these intervals are too narrow (docs/training.md, "Intervals"). Each resample draws
 * as many locations as the test set has, with replacement, and takes all the photos of every location drawn; a figure
 * (any {@code ToDoubleFunction<Evaluation>}: accuracy, mean or median error, Acc@k, ECE, coverage) is computed
 * on the resampled {@link Evaluation}. The interval is the percentile one: the 2.5th and 97.5th percentiles of
 * the resampled figures, interpolated linearly between order statistics (the "type 7" quantile of R and NumPy).
 * Pure and deterministic: one seed gives the same intervals on every machine ({@link Random}'s sequence is
 * specified).
 *
 * <p><b>Several runs (seeds) of one model</b> on the same test images: the interval is that of the seed-mean
 * figure, by a two-level bootstrap. Each resample draws the locations once, applies that draw to every run,
 * then draws as many runs as there are, with replacement, and averages the figure over the runs drawn. So the
 * interval holds both the test set's sampling (which locations happened to be in it) and the seeds' variance
 * (initialisation, order, augmentation). With one run it is the location bootstrap alone. It cannot show what
 * the runs do not vary: a differently generated dataset or a different training set, another city, other
 * hyperparameters; and with 3 seeds the seed level has only 10 distinct draws, so its share is rough (the
 * bootstrap also narrows a spread of n values by (n − 1)/n).
 *
 * <p><b>Paired comparison</b> of a model against a baseline on the same test photos: runs are paired by seed (the
 * same index; a model of one run, such as a zero-shot one that has no seed, is paired with each of the
 * baseline's runs), each resample applies one location draw to both models and one draw of pairs to both, and
 * the figure is the mean difference model − baseline over the pairs drawn. Sharing the draws removes what the two
 * have in common (hard locations are hard for both), so the difference's interval is usually narrower than the
 * two separate intervals suggest. The same pairing compares two answers to the same locations made of different
 * images, such as each location answered once from its fused views against its views one by one
 * ({@link #pairedOverLocations}).
 *
 * @param resamples how many resamples, at least 1 (2000 by default: for a normal-shaped figure the interval's ends
 *                  then move by about 2 % of its width from one seed to another)
 * @param seed      the random sequence's seed
 */
public record LocationBootstrap(int resamples, long seed) {

    public static final int DEFAULT_RESAMPLES = 2000;
    public static final long DEFAULT_SEED = 1;
    public static final LocationBootstrap DEFAULT = new LocationBootstrap(DEFAULT_RESAMPLES, DEFAULT_SEED);
    /** The intervals' confidence level. */
    public static final double LEVEL = 0.95;

    public LocationBootstrap {
        if (resamples < 1) {
            throw new IllegalArgumentException("a bootstrap needs at least one resample, not " + resamples);
        }
    }

    /** One figure of one evaluation, resampling its locations. */
    public BootstrapEstimate estimate(Evaluation evaluation, ToDoubleFunction<Evaluation> figure) {
        return seedMean(List.of(evaluation), List.of(figure)).get(0);
    }

    /** Several figures of one evaluation from the same resamples, in the order given. */
    public List<BootstrapEstimate> estimates(Evaluation evaluation, List<ToDoubleFunction<Evaluation>> figures) {
        return seedMean(List.of(evaluation), figures);
    }

    /** The seed-mean of one figure over runs of one model, by the two-level bootstrap. */
    public BootstrapEstimate seedMean(List<Evaluation> runs, ToDoubleFunction<Evaluation> figure) {
        return seedMean(runs, List.of(figure)).get(0);
    }

    /**
     * The seed-means of several figures over runs of one model, by the two-level bootstrap, from the same
     * resamples, in the order given.
     *
     * @throws IllegalArgumentException for no runs, or runs on different images
     */
    public List<BootstrapEstimate> seedMean(List<Evaluation> runs, List<ToDoubleFunction<Evaluation>> figures) {
        return seedMean(runs, figures, new Random(seed));
    }

    /**
     * The difference model − baseline of a figure, paired on the same test photos and seeds.
     *
     * @throws IllegalArgumentException when the two were not evaluated on the same images, or have different
     *                                  numbers of runs (neither being one)
     */
    public BootstrapEstimate pairedDifference(List<Evaluation> model, List<Evaluation> baseline,
                                              ToDoubleFunction<Evaluation> figure) {
        return pairedDifference(model, baseline, List.of(figure)).get(0);
    }

    /** Several paired differences from the same resamples, in the order given; see the single one. */
    public List<BootstrapEstimate> pairedDifference(List<Evaluation> model, List<Evaluation> baseline,
                                                    List<ToDoubleFunction<Evaluation>> figures) {
        return pairedDifference(model, baseline, figures, new Random(seed));
    }

    /**
     * Comparisons of two evaluations of the same test locations that hold different images of them: one answer per
     * location (its views fused) against its views answered one by one. Each resample draws the locations once
     * and takes, in both evaluations, everything of every location drawn, so both are scored on the same draw.
     *
     * @param comparisons each of (model, baseline) to one number: a difference, a relative change
     * @throws IllegalArgumentException when the two do not hold the same locations in the same order
     */
    public List<BootstrapEstimate> pairedOverLocations(Evaluation model, Evaluation baseline,
                                                       List<ToDoubleBiFunction<Evaluation, Evaluation>> comparisons) {
        return pairedOverLocations(model, baseline, comparisons, new Random(seed));
    }

    List<BootstrapEstimate> pairedOverLocations(Evaluation model, Evaluation baseline,
                                                List<ToDoubleBiFunction<Evaluation, Evaluation>> comparisons,
                                                Random random) {
        List<String> locations = locationIds(model);
        if (!locations.equals(locationIds(baseline))) {
            throw new IllegalArgumentException("not the same test locations: " + locations.size() + " against "
                    + locationIds(baseline).size() + " of the baseline, or in another order");
        }
        int[][] modelGroups = locationGroups(model);
        int[][] baselineGroups = locationGroups(baseline);
        double[][] replicates = new double[comparisons.size()][resamples];
        for (int b = 0; b < resamples; b++) {
            int[] drawn = drawLocations(locations.size(), random);
            Evaluation modelSample = model.resample(imagesOf(modelGroups, drawn));
            Evaluation baselineSample = baseline.resample(imagesOf(baselineGroups, drawn));
            for (int c = 0; c < comparisons.size(); c++) {
                replicates[c][b] = comparisons.get(c).applyAsDouble(modelSample, baselineSample);
            }
        }
        List<BootstrapEstimate> estimates = new ArrayList<>(comparisons.size());
        for (int c = 0; c < comparisons.size(); c++) {
            estimates.add(percentiles(comparisons.get(c).applyAsDouble(model, baseline), replicates[c]));
        }
        return estimates;
    }

    List<BootstrapEstimate> seedMean(List<Evaluation> runs, List<ToDoubleFunction<Evaluation>> figures, Random random) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to bootstrap");
        }
        checkSameImages(runs, "run");
        return resampled(runs, List.of(), figures, random);
    }

    List<BootstrapEstimate> pairedDifference(List<Evaluation> model, List<Evaluation> baseline,
                                             List<ToDoubleFunction<Evaluation>> figures, Random random) {
        if (model.isEmpty() || baseline.isEmpty()) {
            throw new IllegalArgumentException("a paired comparison needs runs of both models");
        }
        if (model.size() != baseline.size() && model.size() != 1 && baseline.size() != 1) {
            throw new IllegalArgumentException(model.size() + " runs against " + baseline.size()
                    + " of the baseline: runs are paired by seed, so their numbers must agree (or one model have one)");
        }
        List<Evaluation> all = new ArrayList<>(model);
        all.addAll(baseline);
        checkSameImages(all, "model or baseline run");
        return resampled(model, baseline, figures, random);
    }

    /**
     * The two-level bootstrap: with no baseline, of the mean over runs; with one, of the mean difference over
     * pairs.
     */
    private List<BootstrapEstimate> resampled(List<Evaluation> model, List<Evaluation> baseline,
                                              List<ToDoubleFunction<Evaluation>> figures, Random random) {
        boolean paired = !baseline.isEmpty();
        int pairs = paired ? Math.max(model.size(), baseline.size()) : model.size();
        int[][] groups = locationGroups(model.get(0));
        double[][] replicates = new double[figures.size()][resamples];
        for (int b = 0; b < resamples; b++) {
            int[] images = imagesOf(groups, drawLocations(groups.length, random));
            int[] drawn = new int[pairs];
            for (int k = 0; k < pairs; k++) {
                // one run needs no draw, so that one run's bootstrap is exactly the location bootstrap
                drawn[k] = pairs == 1 ? 0 : random.nextInt(pairs);
            }
            Evaluation[] modelRuns = new Evaluation[model.size()];
            Evaluation[] baselineRuns = new Evaluation[baseline.size()];
            for (int f = 0; f < figures.size(); f++) {
                double sum = 0;
                for (int k : drawn) {
                    sum += figure(figures.get(f), model, modelRuns, k, images);
                    if (paired) {
                        sum -= figure(figures.get(f), baseline, baselineRuns, k, images);
                    }
                }
                replicates[f][b] = sum / pairs;
            }
        }
        List<BootstrapEstimate> estimates = new ArrayList<>(figures.size());
        for (int f = 0; f < figures.size(); f++) {
            double point = 0;
            for (int k = 0; k < pairs; k++) {
                point += figures.get(f).applyAsDouble(run(model, k));
                if (paired) {
                    point -= figures.get(f).applyAsDouble(run(baseline, k));
                }
            }
            estimates.add(percentiles(point / pairs, replicates[f]));
        }
        return estimates;
    }

    /** The estimate with the percentile interval of its replicates, which this sorts. */
    private static BootstrapEstimate percentiles(double estimate, double[] replicates) {
        Arrays.sort(replicates);
        return new BootstrapEstimate(estimate,
                new Interval(quantile(replicates, (1 - LEVEL) / 2), quantile(replicates, (1 + LEVEL) / 2)));
    }

    /** A figure of pair k's run on this resample, resampling that run once per resample however often it is drawn. */
    private static double figure(ToDoubleFunction<Evaluation> figure, List<Evaluation> runs, Evaluation[] resampled,
                                 int k, int[] images) {
        int run = runs.size() == 1 ? 0 : k;
        if (resampled[run] == null) {
            resampled[run] = runs.get(run).resample(images);
        }
        return figure.applyAsDouble(resampled[run]);
    }

    private static Evaluation run(List<Evaluation> runs, int k) {
        return runs.get(runs.size() == 1 ? 0 : k);
    }

    /** Image indices by location, locations in order of first appearance. */
    static int[][] locationGroups(Evaluation evaluation) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        List<ImageOutcome> outcomes = evaluation.outcomes();
        for (int i = 0; i < outcomes.size(); i++) {
            groups.computeIfAbsent(outcomes.get(i).locationId(), id -> new ArrayList<>()).add(i);
        }
        return groups.values().stream().map(g -> g.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /** Location ids in order of first appearance, as {@link #locationGroups} orders its groups. */
    private static List<String> locationIds(Evaluation evaluation) {
        return evaluation.outcomes().stream().map(ImageOutcome::locationId).distinct().toList();
    }

    /** As many locations as there are, with replacement: their indices. */
    private static int[] drawLocations(int locations, Random random) {
        int[] drawn = new int[locations];
        for (int k = 0; k < locations; k++) {
            drawn[k] = random.nextInt(locations);
        }
        return drawn;
    }

    /** All the images of every location drawn, in the order drawn. */
    private static int[] imagesOf(int[][] groups, int[] drawn) {
        int size = 0;
        for (int location : drawn) {
            size += groups[location].length;
        }
        int[] images = new int[size];
        int at = 0;
        for (int location : drawn) {
            System.arraycopy(groups[location], 0, images, at, groups[location].length);
            at += groups[location].length;
        }
        return images;
    }

    /** The p-quantile of sorted values, interpolating linearly between order statistics (R's type 7). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int low = (int) Math.floor(h);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
    }

    /** Resampling the same locations in every run, or pairing runs, is right only for the same test images. */
    private static void checkSameImages(List<Evaluation> runs, String what) {
        List<ImageOutcome> reference = runs.get(0).outcomes();
        for (int r = 1; r < runs.size(); r++) {
            List<ImageOutcome> other = runs.get(r).outcomes();
            if (other.size() != reference.size()) {
                throw new IllegalArgumentException("not the same test images: " + what + " " + (r + 1) + " has "
                        + other.size() + " images, the first " + reference.size());
            }
            for (int i = 0; i < reference.size(); i++) {
                if (!other.get(i).sameImageAs(reference.get(i))) {
                    throw new IllegalArgumentException("not the same test images: image " + (i + 1) + " of " + what + " "
                            + (r + 1) + " is of location " + other.get(i).locationId() + " at " + other.get(i).truePoint()
                            + ", the first's of location " + reference.get(i).locationId() + " at "
                            + reference.get(i).truePoint());
                }
            }
        }
    }
}
