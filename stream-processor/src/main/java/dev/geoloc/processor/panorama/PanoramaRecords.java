package dev.geoloc.processor.panorama;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.geoloc.model.Prediction;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.Region;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.PanoramaPrediction;
import dev.geoloc.schemas.PanoramaTrigger;
import dev.geoloc.schemas.PanoramaView;
import dev.geoloc.schemas.RegionScore;

/** Turns a group's fused answer into the {@link PanoramaPrediction} record that consumers read. */
final class PanoramaRecords {

    private PanoramaRecords() {
    }

    /**
     * @param fused     the views that were fused, all over the predictor's catalog
     * @param predictor a loaded model over that catalog: it turns the fused probabilities into a prediction
     */
    static PanoramaPrediction of(String groupId, PanoramaState group, PanoramaTrigger trigger, List<ViewAnswer> fused,
                                 float[] probabilities, RegionPredictor predictor, Instant processed) {
        Prediction prediction = predictor.prediction(probabilities);
        List<RegionScore> top = prediction.top().stream()
                .map(score -> new RegionScore(score.regionId(), score.regionName(), (double) score.probability()))
                .toList();
        ViewAnswer latest = fused.get(fused.size() - 1);
        LatLon estimate = prediction.location().location();
        PanoramaPrediction.Builder record = PanoramaPrediction.newBuilder()
                .setGroupId(groupId)
                .setRevision(group.revision() + 1)
                .setEmittedBecause(trigger)
                .setViewsExpected(group.expectedViews())
                .setViews(fused.stream().map(view -> view(view, predictor)).toList())
                .setModelName(latest.modelName())
                .setTopRegions(top)
                .setPredictedRegion(top.get(0))
                .setEstimatedLocation(new GeoPoint(estimate.latitude(), estimate.longitude()))
                .setExpectedErrorKm(prediction.location().expectedErrorKm())
                .setConfidenceRadiusKm(prediction.location().confidenceRadiusKm())
                .setConfidenceLevel(prediction.location().confidenceLevel())
                .setFirstViewTime(Instant.ofEpochMilli(group.firstViewMs()))
                .setProcessedTime(processed);
        Optional<LatLon> truth = fused.stream().flatMap(view -> view.truth().stream()).findFirst();
        truth.ifPresent(point -> record
                .setTrueRegionId(predictor.catalog().containing(point).map(Region::id).orElse(null))
                .setActualErrorKm(estimate.distanceKm(point)));
        return record.build();
    }

    private static PanoramaView view(ViewAnswer view, RegionPredictor predictor) {
        float[] probabilities = view.probabilities();
        int best = 0;
        for (int j = 1; j < probabilities.length; j++) {
            if (probabilities[j] > probabilities[best]) {
                best = j;
            }
        }
        return new PanoramaView(view.imageId(), view.heading().isPresent() ? view.heading().getAsInt() : null,
                predictor.catalog().region(best).id(), (double) probabilities[best], view.modelVersion());
    }
}
