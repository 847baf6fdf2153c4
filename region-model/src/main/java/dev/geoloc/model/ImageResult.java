package dev.geoloc.model;

import dev.geoloc.imaging.ImageRejectedException;

/** What became of one encoded image handed to {@link RegionPredictor#predictImages}: a prediction, or why not. */
public sealed interface ImageResult {

    record Predicted(Prediction prediction) implements ImageResult {
    }

    /** The image could not be decoded or was refused before decoding; {@code error.reason()} says which. */
    record Rejected(ImageRejectedException error) implements ImageResult {
    }
}
