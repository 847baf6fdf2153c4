package dev.geoloc.trainer.training;

import java.util.Set;

import ai.djl.training.tracker.ParameterTracker;

/**
 * Linear warm-up, then cosine decay to {@code finalFraction} of the base rate, with one base rate for the
 * encoder and another for the head: a pretrained encoder wants small steps, a fresh head large ones.
 *
 * <p>DJL counts updates per parameter, starting at 1; {@code stepOffset} shifts the count on resume so the
 * schedule continues where the checkpoint left it.
 */
final class LearningRateSchedule implements ParameterTracker {

    private final Set<String> encoderParameters;
    private final float encoderRate;
    private final float headRate;
    private final int warmupSteps;
    private final int totalSteps;
    private final float finalFraction;
    private final int stepOffset;

    LearningRateSchedule(Set<String> encoderParameters, float encoderRate, float headRate, int warmupSteps,
                         int totalSteps, float finalFraction, int stepOffset) {
        this.encoderParameters = Set.copyOf(encoderParameters);
        this.encoderRate = encoderRate;
        this.headRate = headRate;
        this.warmupSteps = warmupSteps;
        this.totalSteps = Math.max(1, totalSteps);
        this.finalFraction = finalFraction;
        this.stepOffset = stepOffset;
    }

    @Override
    public float getNewValue(String parameterId, int numUpdate) {
        float base = encoderParameters.contains(parameterId) ? encoderRate : headRate;
        return base * factor(numUpdate + stepOffset);
    }

    /** The multiplier of the base rate at update {@code step} (1-based). */
    float factor(int step) {
        if (step <= warmupSteps) {
            return (float) step / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        return (float) (finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
