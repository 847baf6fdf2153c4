package dev.geoloc.trainer.evaluation;

import java.util.Objects;
import java.util.Optional;

import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.PointError;

/**
 * What happened to one evaluated image: kept per image so that the figures can be recomputed on a bootstrap
 * resample of the test locations ({@link LocationBootstrap}) and the model's probabilities checked against the
 * truth ({@link Calibration}). Immutable.
 *
 * @param locationId             the image's location group (one panorama; the manifest's {@code location_id}):
 *                               the unit that splits keep together, and so the unit that is resampled
 * @param trueRegion             the label index of the image's region
 * @param truePoint              the photo's true coordinates
 * @param predictedRegion        the label index the model chose
 * @param estimate               the model's location estimate
 * @param forecast               the model's probabilities and its estimate's expected error and confidence
 *                               radius; empty for an image scored from a region and a point alone
 * @param regionCentersKm        the error by {@link ErrorMeasure#REGION_CENTERS}
 * @param photoKm                the error by {@link ErrorMeasure#PHOTO}
 * @param centerToPhotoKm        the error by {@link ErrorMeasure#CENTER_TO_PHOTO}
 * @param estimateToTrueCenterKm km from the estimate to the true region's center: what the forecast's
 *                               expected error estimates ({@link EstimateMeasure#TRUE_CENTER})
 */
public record ImageOutcome(String locationId, int trueRegion, LatLon truePoint, int predictedRegion, LatLon estimate,
                           Optional<Forecast> forecast, double regionCentersKm, double photoKm, double centerToPhotoKm,
                           double estimateToTrueCenterKm) {

    public ImageOutcome {
        Objects.requireNonNull(locationId, "locationId");
        Objects.requireNonNull(truePoint, "truePoint");
        Objects.requireNonNull(estimate, "estimate");
        Objects.requireNonNull(forecast, "forecast");
    }

    /**
     * The model's answer beyond its region.
     *
     * @param probabilities one per region in label order, summing to 1 (a copy is kept and handed out)
     * @param error         the expected error, confidence radius and level around the point the model answers
     *                        with ({@code Prediction.error()}): the region-level estimate's, or a finer point's own
     */
    public record Forecast(float[] probabilities, PointError error) {

        public Forecast {
            probabilities = probabilities.clone();
            Objects.requireNonNull(error, "error");
        }

        @Override
        public float[] probabilities() {
            return probabilities.clone();
        }

        /** The probability of one region, without copying the vector. */
        public double probability(int region) {
            return probabilities[region];
        }

        public int regions() {
            return probabilities.length;
        }
    }

    public boolean correct() {
        return trueRegion == predictedRegion;
    }

    public double errorKm(ErrorMeasure measure) {
        return switch (measure) {
            case REGION_CENTERS -> regionCentersKm;
            case PHOTO -> photoKm;
            case CENTER_TO_PHOTO -> centerToPhotoKm;
        };
    }

    /** Whether {@code other} is an outcome for the same image as far as an outcome tells: location, region and point. */
    boolean sameImageAs(ImageOutcome other) {
        return locationId.equals(other.locationId) && trueRegion == other.trueRegion && truePoint.equals(other.truePoint);
    }
}
