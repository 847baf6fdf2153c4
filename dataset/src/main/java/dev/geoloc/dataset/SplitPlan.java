package dev.geoloc.dataset;

import java.util.List;
import java.util.Locale;

/**
 * How to split a dataset: the mode, the fractions and (for {@link Mode#BLOCKED}) the blocks. What the
 * {@code synth} and {@code collect} commands' {@code --split}, {@code --block-km} and {@code --buffer-km}
 * choose; the seed comes with each use, since it is the dataset's.
 *
 * @param blocks the blocked split's geometry; carried but unused by the other modes
 */
public record SplitPlan(Mode mode, Splitter.Fractions fractions, Splitter.BlockedSplit blocks) {

    /** Blocked, 80/10/10, 0.4 km blocks and a 0.1 km buffer: the default for new datasets. */
    public static final SplitPlan DEFAULT =
            new SplitPlan(Mode.BLOCKED, Splitter.Fractions.DEFAULT, Splitter.BlockedSplit.DEFAULT);

    /** The splitters of {@link Splitter}, by their manifest-facing names. */
    public enum Mode {
        BLOCKED, GROUPED, NAIVE;

        /** {@code blocked}, {@code grouped} or {@code naive}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException for another label */
        public static Mode fromLabel(String label) {
            for (Mode mode : values()) {
                if (mode.label().equals(label)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("split mode '" + label + "' is not one of blocked, grouped, naive");
        }
    }

    public SplitPlan withMode(Mode value) {
        return new SplitPlan(value, fractions, blocks);
    }

    public SplitPlan withFractions(Splitter.Fractions value) {
        return new SplitPlan(mode, value, blocks);
    }

    public SplitPlan withBlocks(Splitter.BlockedSplit value) {
        return new SplitPlan(mode, fractions, value);
    }

    /** The entries with their splits; those that already had one keep it (except in naive mode, which redraws all). */
    public List<ManifestEntry> apply(List<ManifestEntry> entries, long seed) {
        return switch (mode) {
            case BLOCKED -> Splitter.blocked(entries, fractions, blocks, seed);
            case GROUPED -> Splitter.grouped(entries, fractions, seed);
            case NAIVE -> Splitter.naive(entries, fractions, seed);
        };
    }
}
