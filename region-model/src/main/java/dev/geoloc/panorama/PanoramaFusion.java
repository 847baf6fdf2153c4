package dev.geoloc.panorama;

import java.util.List;

/**
 * Fuses the region probabilities of the views of one panorama (the photos taken at one spot, one per heading) into
 * one distribution: the softmax of the views' mean log-probability. The stream's panorama aggregation and the
 * trainer's per-location evaluation both call this, so that what is measured is what is served.
 *
 * <p>Why the mean and not the sum of log-probabilities (the product of the views' probabilities): the sum treats
 * the views as independent witnesses, but four headings at one spot share light, street and district, so a sum
 * would be over-confident by about their number. The mean keeps the views' consensus (the argmax of the product)
 * while the fused confidence stays on the scale of one view's.
 */
public final class PanoramaFusion {

    /**
     * Probabilities below this count as this: a float softmax can round a far region to 0, whose log would let
     * one view veto a region outright.
     */
    public static final double PROBABILITY_FLOOR = 1e-9;

    private PanoramaFusion() {
    }

    /**
     * @param views one probability vector per view, each over the same regions in the same (label) order
     * @return the fused probabilities, in that order, summing to 1
     * @throws IllegalArgumentException for no views, or views of different lengths
     */
    public static float[] fuse(List<float[]> views) {
        if (views.isEmpty()) {
            throw new IllegalArgumentException("a panorama needs at least one view to fuse");
        }
        int regions = views.get(0).length;
        double[] meanLog = new double[regions];
        for (float[] view : views) {
            if (view.length != regions) {
                throw new IllegalArgumentException("views over " + regions + " and " + view.length
                        + " regions cannot be fused");
            }
            for (int j = 0; j < regions; j++) {
                meanLog[j] += Math.log(Math.max(view[j], PROBABILITY_FLOOR)) / views.size();
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double value : meanLog) {
            max = Math.max(max, value);
        }
        double sum = 0;
        double[] exp = new double[regions];
        for (int j = 0; j < regions; j++) {
            exp[j] = Math.exp(meanLog[j] - max);
            sum += exp[j];
        }
        float[] fused = new float[regions];
        for (int j = 0; j < regions; j++) {
            fused[j] = (float) (exp[j] / sum);
        }
        return fused;
    }
}
