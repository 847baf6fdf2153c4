package dev.geoloc.processor.topology;

import java.time.Instant;
import java.util.List;

import dev.geoloc.model.BundleCalibration;
import dev.geoloc.model.Prediction;
import dev.geoloc.processor.batching.Outcome;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.LocationEstimate;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;

/** Turns the model's answer for one event into the {@link RegionPrediction} record dashboards read. */
public final class PredictionRecords {

    private PredictionRecords() {
    }

    /**
     * @param preprocessNanos time spent decoding the image before it was queued: part of its queue latency
     */
    public static RegionPrediction of(ImageEvent event, Outcome.Predicted outcome, long preprocessNanos, Instant processed) {
        Prediction prediction = outcome.prediction();
        RegionCatalog catalog = outcome.model().predictor().catalog();
        LocationEstimate estimate = prediction.location();
        List<RegionScore> top = prediction.top().stream().map(PredictionRecords::score).toList();
        RegionPrediction.Builder record = RegionPrediction.newBuilder()
                .setImageId(event.getImageId())
                .setModelName(outcome.model().name())
                .setModelVersion(outcome.model().version())
                .setTopRegions(top)
                .setPredictedRegion(top.get(0))
                .setEstimatedLocation(point(estimate.location()))
                .setExpectedErrorKm(estimate.expectedErrorKm())
                .setConfidenceRadiusKm(estimate.confidenceRadiusKm())
                .setConfidenceLevel(estimate.confidenceLevel())
                .setBatchSize(outcome.batchSize())
                .setQueueLatencyMs(millis(preprocessNanos + outcome.queueNanos()))
                .setInferenceLatencyMs(millis(outcome.inferenceNanos()))
                .setEndToEndLatencyMs((double) (processed.toEpochMilli() - event.getUploadTime().toEpochMilli()))
                .setProcessedTime(processed)
                .setSourcePlatform(event.getSourcePlatform())
                .setUploadTime(event.getUploadTime())
                .setMetadata(event.getMetadata())
                .setGroundTruth(event.getGroundTruth())
                .setCalibration(outcome.model().predictor().calibration().map(BundleCalibration::identifier).orElse(null));
        // The finer point: the gallery's, or the cell head's; none for a model with neither.
        boolean finer = prediction.refined().isPresent() || prediction.cell().isPresent();
        if (finer) {
            record.setRefinedLocation(point(prediction.point()));
            record.setRefinedExpectedErrorKm(prediction.error().expectedErrorKm());
            record.setRefinedConfidenceRadiusKm(prediction.error().confidenceRadiusKm());
        }
        prediction.cell().ifPresent(cell -> record.setCell(cell.cell()));
        if (event.getGroundTruth() != null) {
            LatLon truth = new LatLon(event.getGroundTruth().getLatitude(), event.getGroundTruth().getLongitude());
            record.setTrueRegionId(catalog.containing(truth).map(Region::id).orElse(null));
            record.setActualErrorKm(estimate.location().distanceKm(truth));
            if (finer) {
                record.setRefinedErrorKm(prediction.point().distanceKm(truth));
            }
        }
        return record.build();
    }

    private static RegionScore score(dev.geoloc.model.RegionScore score) {
        return new RegionScore(score.regionId(), score.regionName(), (double) score.probability());
    }

    private static GeoPoint point(LatLon location) {
        return new GeoPoint(location.latitude(), location.longitude());
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
