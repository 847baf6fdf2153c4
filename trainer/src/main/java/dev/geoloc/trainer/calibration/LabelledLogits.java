package dev.geoloc.trainer.calibration;

/**
 * A model's logits on images whose regions are known: what a temperature is fitted on. Immutable.
 *
 * @param logits  [images x regions], row by row, as {@code RegionPredictor.logits} gives them
 * @param labels  the true region's label index of each image
 * @param regions the number of regions, the length of a row
 */
public record LabelledLogits(float[] logits, int[] labels, int regions) {

    public LabelledLogits {
        if (regions < 1 || logits.length != (long) labels.length * regions) {
            throw new IllegalArgumentException(logits.length + " logits for " + labels.length + " images of " + regions
                    + " regions");
        }
        for (int label : labels) {
            if (label < 0 || label >= regions) {
                throw new IllegalArgumentException("label " + label + " is not one of " + regions + " regions");
            }
        }
        logits = logits.clone();
        labels = labels.clone();
    }

    public int images() {
        return labels.length;
    }

    /**
     * The mean negative log-likelihood of the true regions under softmax(logits / temperature), in nats:
     * mean over images of logsumexp(z / T) − z_true / T.
     */
    public double nll(double temperature) {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            int row = i * regions;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < regions; j++) {
                max = Math.max(max, logits[row + j] / temperature);
            }
            double exponentials = 0;
            for (int j = 0; j < regions; j++) {
                exponentials += Math.exp(logits[row + j] / temperature - max);
            }
            sum += max + Math.log(exponentials) - logits[row + labels[i]] / temperature;
        }
        return sum / labels.length;
    }
}
