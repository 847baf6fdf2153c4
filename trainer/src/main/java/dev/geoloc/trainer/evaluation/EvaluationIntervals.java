package dev.geoloc.trainer.evaluation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The 95 % intervals of one evaluation's figures by {@link LocationBootstrap}, all from the same resamples,
 * computed once for its report. Accuracies and Acc@k are fractions, errors kilometres.
 *
 * @param bootstrap the resample count and seed used
 * @param locations how many test locations were resampled
 * @param errors    the intervals of each error measure's figures
 * @param ece       the ECE's interval; empty when the evaluation has no calibration. The ECE averages absolute
 *                  gaps, which sampling noise only widens, so its resamples mostly lie above it and the estimate
 *                  can sit at the interval's low end: the interval says how noisy the ECE is more than where it lies
 * @param coverage  the confidence radius's coverage's interval in each estimate measure; empty likewise
 */
public record EvaluationIntervals(LocationBootstrap bootstrap, int locations, BootstrapEstimate accuracy,
                                  Map<ErrorMeasure, Errors> errors, Optional<BootstrapEstimate> ece,
                                  Map<EstimateMeasure, BootstrapEstimate> coverage) {

    /**
     * @param withinKm Acc@k for each radius of {@link Evaluation#RADII_KM}, in order
     */
    public record Errors(BootstrapEstimate meanKm, BootstrapEstimate medianKm, List<BootstrapEstimate> withinKm) {

        public Errors {
            withinKm = List.copyOf(withinKm);
        }
    }

    public EvaluationIntervals {
        errors = Collections.unmodifiableMap(new EnumMap<>(errors));
        coverage = coverage.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(coverage));
    }

    public static EvaluationIntervals of(Evaluation evaluation, LocationBootstrap bootstrap) {
        boolean calibrated = evaluation.calibration().isPresent();
        List<ToDoubleFunction<Evaluation>> figures = new ArrayList<>();
        figures.add(Evaluation::accuracy);
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            figures.add(e -> e.distance(measure).meanKm());
            figures.add(e -> e.distance(measure).medianKm());
            for (double radius : Evaluation.RADII_KM) {
                figures.add(e -> e.distance(measure).accuracyWithinKm(radius));
            }
        }
        if (calibrated) {
            figures.add(e -> Calibration.expectedCalibrationError(e.outcomes()));
            for (EstimateMeasure measure : EstimateMeasure.values()) {
                figures.add(e -> ErrorEstimateCalibration.coverage(e.outcomes(), measure));
            }
        }
        Iterator<BootstrapEstimate> estimates = bootstrap.estimates(evaluation, figures).iterator();
        BootstrapEstimate accuracy = estimates.next();
        Map<ErrorMeasure, Errors> errors = new EnumMap<>(ErrorMeasure.class);
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            BootstrapEstimate mean = estimates.next();
            BootstrapEstimate median = estimates.next();
            List<BootstrapEstimate> within = new ArrayList<>();
            Evaluation.RADII_KM.forEach(radius -> within.add(estimates.next()));
            errors.put(measure, new Errors(mean, median, within));
        }
        Optional<BootstrapEstimate> ece = calibrated ? Optional.of(estimates.next()) : Optional.empty();
        Map<EstimateMeasure, BootstrapEstimate> coverage = new EnumMap<>(EstimateMeasure.class);
        if (calibrated) {
            for (EstimateMeasure measure : EstimateMeasure.values()) {
                coverage.put(measure, estimates.next());
            }
        }
        return new EvaluationIntervals(bootstrap, evaluation.locations(), accuracy, errors, ece, coverage);
    }

    public Errors errors(ErrorMeasure measure) {
        return errors.get(measure);
    }
}
