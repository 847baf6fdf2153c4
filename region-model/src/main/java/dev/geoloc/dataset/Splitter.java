package dev.geoloc.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Assigns train/validation/test splits, deterministically for a seed.
 *
 * <p>{@link #grouped} is the one to use: all images of a location group (the four headings of one
 * panorama) land in one split, drawn per region so every region keeps the fractions. A naive per-image
 * split puts one heading of a spot in training and another in test; the model then recognises the spot,
 * not the district, and test accuracy flatters it. {@link #naive} stays available to measure that gap.
 */
public final class Splitter {

    private Splitter() {
    }

    /** Fractions of train, validation and test; they must sum to 1. */
    public record Fractions(double train, double validation, double test) {
        public static final Fractions DEFAULT = new Fractions(0.8, 0.1, 0.1);

        public Fractions {
            if (train < 0 || validation < 0 || test < 0 || Math.abs(train + validation + test - 1) > 1e-9) {
                throw new IllegalArgumentException("split fractions " + train + "/" + validation + "/" + test
                        + " must be non-negative and sum to 1");
            }
        }
    }

    /**
     * Splits whole location groups, per region. Groups whose entries already carry a split keep it; only
     * the others are drawn, to bring each region toward the fractions. So a dataset that grows (the
     * collector resuming, a second SynthCity seed) never moves an image from one split to another, which
     * would leak a model's old training images into a later test set.
     */
    public static List<ManifestEntry> grouped(List<ManifestEntry> entries, Fractions fractions, long seed) {
        Map<String, TreeSet<String>> groupsByRegion = new TreeMap<>();
        Map<String, Split> splitByGroup = new HashMap<>();
        for (ManifestEntry entry : entries) {
            groupsByRegion.computeIfAbsent(entry.regionId(), r -> new TreeSet<>()).add(entry.locationId());
            entry.split().ifPresent(split -> splitByGroup.putIfAbsent(entry.locationId(), split));
        }
        for (Map.Entry<String, TreeSet<String>> region : groupsByRegion.entrySet()) {
            Map<Split, Integer> missing = targets(region.getValue().size(), fractions);
            List<String> free = new ArrayList<>();
            for (String group : region.getValue()) {
                Split fixed = splitByGroup.get(group);
                if (fixed == null) {
                    free.add(group);
                } else {
                    missing.merge(fixed, -1, Integer::sum);
                }
            }
            Collections.shuffle(free, new Random(seed * 31 + region.getKey().hashCode()));
            int next = 0;
            for (Split split : List.of(Split.TEST, Split.VALIDATION)) {
                for (int k = 0; k < missing.get(split) && next < free.size(); k++) {
                    splitByGroup.put(free.get(next++), split);
                }
            }
            while (next < free.size()) {
                splitByGroup.put(free.get(next++), Split.TRAIN);
            }
        }
        return entries.stream().map(e -> e.withSplit(splitByGroup.get(e.locationId()))).toList();
    }

    /** Splits image by image, ignoring location groups: only for comparison with {@link #grouped}. */
    public static List<ManifestEntry> naive(List<ManifestEntry> entries, Fractions fractions, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        List<Split> assignment = allocate(entries.size(), fractions);
        Split[] splits = new Split[entries.size()];
        for (int i = 0; i < order.size(); i++) {
            splits[order.get(i)] = assignment.get(i);
        }
        List<ManifestEntry> result = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            result.add(entries.get(i).withSplit(splits[i]));
        }
        return result;
    }

    /** Location groups whose images sit in more than one split: leaks from training into evaluation. */
    public static Set<String> leakingGroups(List<ManifestEntry> entries) {
        Map<String, Set<Split>> splitsByGroup = new LinkedHashMap<>();
        for (ManifestEntry entry : entries) {
            entry.split().ifPresent(split ->
                    splitsByGroup.computeIfAbsent(entry.locationId(), g -> new TreeSet<>()).add(split));
        }
        return splitsByGroup.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * How many of {@code n} items each split gets, rounding so that the counts add up to {@code n}. With
     * three or more items, a split given a non-zero fraction gets at least one, so a small dataset still
     * has something to validate and test on.
     */
    private static Map<Split, Integer> targets(int n, Fractions fractions) {
        int validation = atLeastOne(n, fractions.validation());
        int test = Math.min(atLeastOne(n, fractions.test()), n - validation);
        Map<Split, Integer> counts = new java.util.EnumMap<>(Split.class);
        counts.put(Split.TEST, test);
        counts.put(Split.VALIDATION, validation);
        counts.put(Split.TRAIN, n - validation - test);
        return counts;
    }

    /** {@code n} split labels in the given fractions: test first, then validation, then train. */
    private static List<Split> allocate(int n, Fractions fractions) {
        Map<Split, Integer> counts = targets(n, fractions);
        List<Split> splits = new ArrayList<>(n);
        for (Split split : List.of(Split.TEST, Split.VALIDATION, Split.TRAIN)) {
            for (int i = 0; i < counts.get(split); i++) {
                splits.add(split);
            }
        }
        return splits;
    }

    private static int atLeastOne(int n, double fraction) {
        int count = (int) Math.round(n * fraction);
        return count == 0 && fraction > 0 && n >= 3 ? 1 : count;
    }
}
