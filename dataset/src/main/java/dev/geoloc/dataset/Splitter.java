package dev.geoloc.dataset;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

/**
 * Assigns train/validation/test splits, deterministically for a seed.
 *
 * <p>{@link #blocked} is the one to use: squares of ground go whole to one split, and training locations
 * near a test location are left out. Photos a few metres apart show the same façades, signs and trees;
 * with a split by location alone, a test photo's street is in training beside it, and the model is
 * rewarded for recognising that street, not the district. {@link #grouped} (whole location groups, the
 * four headings of one panorama) and {@link #naive} (image by image, which also splits the headings of
 * one spot) stay available to measure how much those leaks flatter a model.
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
     * The blocked split's geometry.
     *
     * @param blockKm  side of the square blocks that go whole to one split; 0.4 km is a few city blocks, more
     *                 than one street's worth of shared façades
     * @param bufferKm training locations closer than this to a test location are {@link Split#EXCLUDED}; it
     *                 covers the edges where a training block touches a test block
     */
    public record BlockedSplit(double blockKm, double bufferKm) {
        public static final BlockedSplit DEFAULT = new BlockedSplit(0.4, 0.1);

        public BlockedSplit {
            if (!(blockKm > 0 && blockKm <= 100)) {
                throw new IllegalArgumentException("block size " + blockKm + " km must be above 0 and at most 100");
            }
            if (!(bufferKm >= 0 && bufferKm <= 100)) {
                throw new IllegalArgumentException("buffer " + bufferKm + " km must be 0 to 100");
            }
        }
    }

    /**
     * Splits whole blocks of ground, per region. Each region's locations fall into square blocks of
     * {@code blockKm} (a location is where its panorama is, so all images of a location group stay together);
     * the blocks are drawn in a seeded order and go whole to test, then validation, then train, so that each
     * region's number of locations per split comes as close to the fractions as whole blocks allow. A region
     * with three blocks or more gets at least one test and one validation block. A region of three locations
     * or more that fall in fewer than three blocks (a toy dataset of a few locations per region) is split
     * location by location, as {@link #grouped} would, so that it still has something to validate and test
     * on; there only the buffer keeps test and training apart.
     *
     * <p>Then the buffer: a training location within {@code bufferKm} of any test location (panorama to
     * panorama, haversine, across regions too) becomes {@link Split#EXCLUDED}. Validation locations inside the
     * buffer stay: the model never learns from them, so a validation photo beside a test photo tells it
     * nothing about that test photo, and validation is small enough already.
     *
     * <p>The blocks are {@link GridCell}s, a fixed grid over the Earth rather than one laid around this
     * dataset, so a location's block never depends on which other locations the dataset holds.
     *
     * <p>Locations whose entries already carry a split keep it, as in {@link #grouped}: a dataset that grows
     * never moves an image between splits. A block that holds such locations is drawn no more; its new
     * locations join the split its old ones share, or training when they disagree (a block split by another
     * mode before), where the buffer still keeps them away from test. A new location that would be tested
     * within the buffer of an old training location is excluded instead, since the old one cannot move. So
     * growing keeps the guarantee: no test location within {@code bufferKm} of a training location, as long as
     * the old assignments held it.
     */
    public static List<ManifestEntry> blocked(List<ManifestEntry> entries, Fractions fractions, BlockedSplit blocks,
                                              long seed) {
        Map<String, Place> places = places(entries);
        Map<String, Split> splitByPlace = new HashMap<>();
        Map<String, List<Place>> byRegion = new TreeMap<>();
        for (Place place : places.values()) {
            byRegion.computeIfAbsent(place.regionId(), r -> new ArrayList<>()).add(place);
            if (place.fixed() != null) {
                splitByPlace.put(place.id(), place.fixed());
            }
        }
        for (Map.Entry<String, List<Place>> region : byRegion.entrySet()) {
            splitRegion(region.getKey(), region.getValue(), fractions, blocks, seed, splitByPlace);
        }
        applyBuffer(places.values(), blocks.bufferKm(), splitByPlace);
        return entries.stream().map(e -> e.withSplit(splitByPlace.get(e.locationId()))).toList();
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
     * The spatial leak of any split: for each test location (by location id, sorted), the distance in km from
     * its panorama to the nearest training image's, or infinity when nothing is trained on. Excluded images
     * are not training images. Compares every test location with every training one.
     */
    public static Map<String, Double> nearestTrainDistances(List<ManifestEntry> entries) {
        Map<String, LatLon> test = new TreeMap<>();
        List<LatLon> train = new ArrayList<>();
        for (ManifestEntry entry : entries) {
            Split split = entry.split().orElse(null);
            if (split == Split.TEST) {
                test.putIfAbsent(entry.locationId(), entry.location());
            } else if (split == Split.TRAIN) {
                train.add(entry.location());
            }
        }
        Map<String, Double> nearest = new LinkedHashMap<>();
        test.forEach((id, point) -> nearest.put(id,
                train.stream().mapToDouble(t -> Geodesy.haversineKm(point, t)).min().orElse(Double.POSITIVE_INFINITY)));
        return nearest;
    }

    /** One location group: where its panorama is, its region, and the split it already had, if any. */
    private record Place(String id, String regionId, LatLon point, Split fixed) {
    }

    private static Map<String, Place> places(List<ManifestEntry> entries) {
        Map<String, Place> places = new LinkedHashMap<>();
        for (ManifestEntry entry : entries) {
            Place known = places.get(entry.locationId());
            if (known == null) {
                places.put(entry.locationId(), new Place(entry.locationId(), entry.regionId(), entry.location(),
                        entry.split().orElse(null)));
            } else if (known.fixed() == null && entry.split().isPresent()) {
                places.put(known.id(), new Place(known.id(), known.regionId(), known.point(), entry.split().get()));
            }
        }
        return places;
    }

    private static void splitRegion(String region, List<Place> places, Fractions fractions, BlockedSplit geometry,
                                    long seed, Map<String, Split> splitByPlace) {
        Map<GridCell, List<Place>> cells = new TreeMap<>();
        for (Place place : places) {
            cells.computeIfAbsent(GridCell.of(place.point(), geometry.blockKm()), c -> new ArrayList<>()).add(place);
        }
        List<List<Place>> blocks = new ArrayList<>(cells.values());
        if (blocks.size() < 3 && places.size() >= 3) { // too few blocks for three splits: one location a block
            blocks = places.stream().sorted(Comparator.comparing(Place::id)).map(List::of).toList();
        }
        Map<Split, Integer> missing = targets(places.size(), fractions);
        Map<Split, List<List<Place>>> blocksBySplit = new EnumMap<>(Split.class);
        List<List<Place>> free = new ArrayList<>();
        for (List<Place> block : blocks) {
            Split pinned = pinnedSplit(block);
            if (pinned == null) {
                free.add(block);
            } else {
                missing.merge(pinned, -block.size(), Integer::sum);
                blocksBySplit.computeIfAbsent(pinned, s -> new ArrayList<>()).add(block);
            }
        }
        Collections.shuffle(free, new Random(seed * 31 + region.hashCode()));
        for (List<Place> block : free) {
            Split split = Split.TRAIN;
            for (Split candidate : List.of(Split.TEST, Split.VALIDATION)) {
                if (2 * missing.get(candidate) >= block.size()) { // closer to the target with the block than without
                    split = candidate;
                    break;
                }
            }
            missing.merge(split, -block.size(), Integer::sum);
            blocksBySplit.computeIfAbsent(split, s -> new ArrayList<>()).add(block);
        }
        List<List<Place>> train = blocksBySplit.computeIfAbsent(Split.TRAIN, s -> new ArrayList<>());
        for (Split needed : List.of(Split.TEST, Split.VALIDATION)) {
            double share = needed == Split.TEST ? fractions.test() : fractions.validation();
            if (share > 0 && blocks.size() >= 3 && !blocksBySplit.containsKey(needed)) {
                // Whole blocks overshot a small target: the smallest new training block goes instead.
                train.stream().filter(free::contains).filter(b -> train.size() > 1)
                        .min(Comparator.comparingInt(List::size)).ifPresent(smallest -> {
                            train.remove(smallest);
                            blocksBySplit.computeIfAbsent(needed, s -> new ArrayList<>()).add(smallest);
                        });
            }
        }
        blocksBySplit.forEach((split, list) -> list.forEach(block -> block.forEach(place ->
                splitByPlace.putIfAbsent(place.id(), split))));
    }

    /**
     * The split a block's new locations join: the one its old locations share ({@link Split#EXCLUDED} counting
     * as training ground), training when they disagree, or null for a block with no old location, to be drawn.
     */
    private static Split pinnedSplit(List<Place> block) {
        Set<Split> old = block.stream().filter(p -> p.fixed() != null)
                .map(p -> p.fixed() == Split.EXCLUDED ? Split.TRAIN : p.fixed()).collect(Collectors.toSet());
        if (old.isEmpty()) {
            return null;
        }
        return old.size() == 1 ? old.iterator().next() : Split.TRAIN;
    }

    /**
     * Excludes the new locations that would put a test and a training location within {@code bufferKm}: first new
     * test locations near an old training one (which cannot move), then training locations near any test one.
     */
    private static void applyBuffer(Collection<Place> places, double bufferKm, Map<String, Split> splitByPlace) {
        List<Place> oldTrain = places.stream().filter(p -> p.fixed() == Split.TRAIN).toList();
        for (Place place : places) {
            if (place.fixed() == null && splitByPlace.get(place.id()) == Split.TEST && within(place, oldTrain, bufferKm)) {
                splitByPlace.put(place.id(), Split.EXCLUDED);
            }
        }
        List<Place> test = places.stream().filter(p -> splitByPlace.get(p.id()) == Split.TEST).toList();
        for (Place place : places) {
            if (place.fixed() == null && splitByPlace.get(place.id()) == Split.TRAIN && within(place, test, bufferKm)) {
                splitByPlace.put(place.id(), Split.EXCLUDED);
            }
        }
    }

    private static boolean within(Place place, List<Place> others, double km) {
        double degrees = Math.toDegrees(km / Geodesy.EARTH_RADIUS_KM);
        for (Place other : others) {
            if (Math.abs(other.point().latitude() - place.point().latitude()) <= degrees
                    && Geodesy.haversineKm(place.point(), other.point()) < km) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many of {@code n} items each split gets, rounding so that the counts add up to {@code n}. With
     * three or more items, a split given a non-zero fraction gets at least one, so a small dataset still
     * has something to validate and test on.
     */
    private static Map<Split, Integer> targets(int n, Fractions fractions) {
        int validation = atLeastOne(n, fractions.validation());
        int test = Math.min(atLeastOne(n, fractions.test()), n - validation);
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
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
