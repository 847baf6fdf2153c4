package dev.geoloc.trainer.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Counts of true region (row) by predicted region (column), in the catalog's label order. Immutable.
 */
public final class ConfusionMatrix {

    private final List<String> ids;
    private final List<String> names;
    private final int[][] counts;

    /**
     * @param ids    region ids in label order
     * @param names  region names in label order
     * @param counts {@code counts[true][predicted]}, square, one row per region
     */
    public ConfusionMatrix(List<String> ids, List<String> names, int[][] counts) {
        if (ids.size() != names.size() || counts.length != ids.size()) {
            throw new IllegalArgumentException(ids.size() + " ids, " + names.size() + " names and " + counts.length
                    + " rows: they must agree");
        }
        this.ids = List.copyOf(ids);
        this.names = List.copyOf(names);
        this.counts = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i].length != counts.length) {
                throw new IllegalArgumentException("row " + i + " has " + counts[i].length + " columns, not "
                        + counts.length);
            }
            this.counts[i] = counts[i].clone();
        }
    }

    public int size() {
        return ids.size();
    }

    public List<String> ids() {
        return ids;
    }

    public List<String> names() {
        return names;
    }

    /** Images of region {@code trueRegion} predicted as {@code predictedRegion}. */
    public int count(int trueRegion, int predictedRegion) {
        return counts[trueRegion][predictedRegion];
    }

    /** Images whose true region is {@code trueRegion}: the row total. */
    public int support(int trueRegion) {
        int sum = 0;
        for (int c : counts[trueRegion]) {
            sum += c;
        }
        return sum;
    }

    public int total() {
        int sum = 0;
        for (int i = 0; i < counts.length; i++) {
            sum += support(i);
        }
        return sum;
    }

    /** The diagonal's sum: images whose region was predicted right. */
    public int correct() {
        int sum = 0;
        for (int i = 0; i < counts.length; i++) {
            sum += counts[i][i];
        }
        return sum;
    }

    /** The region that {@code trueRegion}'s images were most often wrongly predicted as; the lower index on a tie. */
    public OptionalInt mostMistakenFor(int trueRegion) {
        int best = -1;
        for (int j = 0; j < counts.length; j++) {
            if (j != trueRegion && counts[trueRegion][j] > 0 && (best < 0 || counts[trueRegion][j] > counts[trueRegion][best])) {
                best = j;
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /** Accuracy and support per region, in label order. */
    public List<RegionAccuracy> regions() {
        List<RegionAccuracy> regions = new ArrayList<>(counts.length);
        for (int i = 0; i < counts.length; i++) {
            regions.add(new RegionAccuracy(i, ids.get(i), names.get(i), support(i), counts[i][i]));
        }
        return regions;
    }

    /** {@code counts[true][predicted]}, a fresh copy. */
    public int[][] counts() {
        int[][] copy = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }
}
