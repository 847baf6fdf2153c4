package dev.geoloc.trainer.training;

/**
 * One epoch's figures, as printed and as written to {@code training-log.jsonl}.
 *
 * @param validationMeanErrorKm mean distance between predicted and true region centers on the validation
 *                              split (the study's error measure), which early stopping watches
 */
public record EpochRecord(int epoch, double trainLoss, double trainAccuracy, double validationAccuracy,
                          double validationMeanErrorKm, double headLearningRate, double seconds, boolean best) {
}
