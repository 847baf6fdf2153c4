package dev.geoloc.processor;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

import dev.geoloc.schemas.RegionPrediction;

/**
 * How a model change under steady load shows in the predictions' rate: predictions per full second (by
 * processed_time), the mean rate in the full seconds before the change was published, and the slowest full second
 * from its publishing to one second after the new version's first answer.
 *
 * @param perSecond  predictions in each second of the run, the first and last (partial) seconds left out
 * @param before     mean predictions per second before the change
 * @param slowest    the fewest predictions in a second while it happened
 * @param during     mean predictions per second while it happened
 * @param switchTime from publishing the change to the new version's first answer
 */
public record SwapDip(TreeMap<Long, Long> perSecond, double before, long slowest, double during, double switchSeconds) {

    /**
     * @param published   when the change was sent
     * @param newVersion  the version the change brings in
     */
    public static SwapDip of(List<RegionPrediction> answers, Instant published, int newVersion) {
        TreeMap<Long, Long> counted = new TreeMap<>();
        answers.forEach(a -> counted.merge(a.getProcessedTime().getEpochSecond(), 1L, Long::sum));
        TreeMap<Long, Long> perSecond = new TreeMap<>();
        for (long second = counted.firstKey() + 1; second < counted.lastKey(); second++) {
            perSecond.put(second, counted.getOrDefault(second, 0L)); // a second with no prediction counts, as 0
        }
        Instant firstNew = answers.stream().filter(a -> a.getModelVersion() == newVersion)
                .map(RegionPrediction::getProcessedTime).min(Instant::compareTo)
                .orElseThrow(() -> new AssertionError("v" + newVersion + " answered nothing"));
        long publishedSecond = published.getEpochSecond();
        double before = perSecond.headMap(publishedSecond).values().stream().mapToLong(Long::longValue).average()
                .orElseThrow(() -> new AssertionError("no full second before the change"));
        List<Long> swapping = List.copyOf(perSecond.subMap(publishedSecond, true, firstNew.getEpochSecond() + 1, true)
                .values());
        if (swapping.isEmpty()) {
            throw new AssertionError("no full second during the change");
        }
        long slowest = swapping.stream().mapToLong(Long::longValue).min().orElseThrow();
        double during = swapping.stream().mapToLong(Long::longValue).average().orElseThrow();
        return new SwapDip(perSecond, before, slowest, during,
                (firstNew.toEpochMilli() - published.toEpochMilli()) / 1e3);
    }

    /** The slowest second as a share of the rate before. */
    public double ratio() {
        return slowest / before;
    }

    /** The mean rate while it happened as a share of the rate before. */
    public double meanRatio() {
        return during / before;
    }

    public String describe() {
        return String.format(Locale.ROOT, "%.1f pred/s before, %.1f during (%.0f %%), slowest second %d (%.0f %%), new "
                        + "version answering %.2f s after publishing; per second: %s", before, during, 100 * meanRatio(),
                slowest, 100 * ratio(), switchSeconds, perSecond.values());
    }
}
