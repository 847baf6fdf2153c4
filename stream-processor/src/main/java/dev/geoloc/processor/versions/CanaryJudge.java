package dev.geoloc.processor.versions;

import java.util.Optional;

/**
 * Whether a canary does worse than the stable version on the live traffic each answers: its mean error on labelled
 * images, and its dead-letter rate. The arms are the images the key hash routed to each since the canary started,
 * so they are alike but for the model. A canary is judged worse only when the difference exceeds the margin with
 * 95 % confidence (one-sided, normal approximation), so that noise in a small sample does not roll back a good
 * model; below the minimum sample nothing is judged.
 */
public final class CanaryJudge {

    private static final double Z_95_ONE_SIDED = 1.645;

    /** What one arm has seen. */
    private static final class Arm {
        long events;
        long deadLetters;
        long labelled;
        double errorSum;
        double errorSquares;

        double meanError() {
            return errorSum / labelled;
        }

        double errorVariance() {
            return labelled < 2 ? 0 : (errorSquares - errorSum * errorSum / labelled) / (labelled - 1);
        }

        double deadLetterRate() {
            return (double) deadLetters / events;
        }
    }

    /** When a canary is judged, and how much worse it may be: {@code geoloc.rollout.*}. */
    public record Limits(int minLabelled, double maxErrorIncreaseKm, int minEvents, double maxDeadLetterIncrease) {
    }

    private final int minLabelled;
    private final double maxErrorIncreaseKm;
    private final int minEvents;
    private final double maxDeadLetterIncrease;
    private final Arm stable = new Arm();
    private final Arm canary = new Arm();

    public CanaryJudge(Limits limits) {
        this.minLabelled = limits.minLabelled();
        this.maxErrorIncreaseKm = limits.maxErrorIncreaseKm();
        this.minEvents = limits.minEvents();
        this.maxDeadLetterIncrease = limits.maxDeadLetterIncrease();
    }

    /** @param actualErrorKm the prediction's error against the event's ground truth; empty when unlabelled */
    public synchronized void answered(boolean byCanary, Optional<Double> actualErrorKm) {
        Arm arm = byCanary ? canary : stable;
        arm.events++;
        actualErrorKm.ifPresent(error -> {
            arm.labelled++;
            arm.errorSum += error;
            arm.errorSquares += error * error;
        });
    }

    public synchronized void deadLetter(boolean byCanary) {
        Arm arm = byCanary ? canary : stable;
        arm.events++;
        arm.deadLetters++;
    }

    /** Why the canary must be rolled back; empty while it is not worse, or not yet judged. */
    public synchronized Optional<String> verdict() {
        if (canary.labelled >= minLabelled && stable.labelled >= minLabelled) {
            double difference = canary.meanError() - stable.meanError();
            double lowerBound = difference - Z_95_ONE_SIDED
                    * Math.sqrt(canary.errorVariance() / canary.labelled + stable.errorVariance() / stable.labelled);
            if (lowerBound > maxErrorIncreaseKm) {
                return Optional.of(String.format(java.util.Locale.ROOT, "its mean error on %d labelled images is "
                                + "%.2f km against the stable version's %.2f km on %d: worse by %.2f km (at least %.2f "
                                + "km with 95 %% confidence), beyond geoloc.rollout.max-error-increase-km=%.2f",
                        canary.labelled, canary.meanError(), stable.meanError(), stable.labelled, difference,
                        lowerBound, maxErrorIncreaseKm));
            }
        }
        if (canary.events >= minEvents && stable.events >= minEvents) {
            double difference = canary.deadLetterRate() - stable.deadLetterRate();
            double lowerBound = difference - Z_95_ONE_SIDED * Math.sqrt(variance(canary) / canary.events
                    + variance(stable) / stable.events);
            if (lowerBound > maxDeadLetterIncrease) {
                return Optional.of(String.format(java.util.Locale.ROOT, "%.1f %% of its %d images were dead letters "
                                + "against %.1f %% of the stable version's %d: worse by %.1f points (at least %.1f with "
                                + "95 %% confidence), beyond geoloc.rollout.max-dead-letter-increase=%.3f",
                        100 * canary.deadLetterRate(), canary.events, 100 * stable.deadLetterRate(), stable.events,
                        100 * difference, 100 * lowerBound, maxDeadLetterIncrease));
            }
        }
        return Optional.empty();
    }

    private static double variance(Arm arm) {
        double rate = arm.deadLetterRate();
        return rate * (1 - rate);
    }
}
