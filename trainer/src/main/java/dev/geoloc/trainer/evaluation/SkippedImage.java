package dev.geoloc.trainer.evaluation;

/** An image of the dataset that could not be evaluated (missing, unreadable, rejected) and why. */
public record SkippedImage(String image, String reason) {
}
