package dev.geoloc.trainer.evaluation;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/**
 * The console lines of an evaluation's figures: accuracy, each error measure with its Acc@k, and calibration, each
 * with its 95 % interval when there are intervals. Written once, so that the single photos and the fused locations
 * of {@code evaluate} read alike.
 */
final class FigureLines {

    private FigureLines() {
    }

    static void print(PrintWriter console, Evaluation evaluation, Optional<EvaluationIntervals> intervals) {
        console.printf(Locale.ROOT, "Accuracy %s %%%n", intervals.map(i -> i.accuracy().format(100, 2))
                .orElse(String.format(Locale.ROOT, "%.2f", 100 * evaluation.accuracy())));
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            DistanceMetrics distance = evaluation.distance(measure);
            Optional<EvaluationIntervals.Errors> errors = intervals.map(i -> i.errors(measure));
            console.printf(Locale.ROOT, "Error, %-26s mean %s km, median %s km", measure.label() + ":",
                    errors.map(e -> e.meanKm().format(1, 2)).orElse(String.format(Locale.ROOT, "%.2f", distance.meanKm())),
                    errors.map(e -> e.medianKm().format(1, 2)).orElse(String.format(Locale.ROOT, "%.2f", distance.medianKm())));
            for (int r = 0; r < Evaluation.RADII_KM.size(); r++) {
                double radius = Evaluation.RADII_KM.get(r);
                int index = r;
                console.printf(Locale.ROOT, ", @%skm %s %%", Evaluation.radiusLabel(radius),
                        errors.map(e -> e.withinKm().get(index).format(100, 2))
                                .orElse(String.format(Locale.ROOT, "%.2f", 100 * distance.accuracyWithinKm(radius))));
            }
            console.println();
        }
        printCalibration(console, evaluation, intervals);
    }

    private static void printCalibration(PrintWriter console, Evaluation evaluation, Optional<EvaluationIntervals> intervals) {
        Optional<Calibration> found = evaluation.calibration();
        if (found.isEmpty()) {
            console.println("Calibration: not available, the images were scored without the model's probabilities");
            return;
        }
        Calibration calibration = found.get();
        console.printf(Locale.ROOT, "Calibration: ECE %s %%, NLL %.4f, Brier %.4f%n",
                intervals.flatMap(EvaluationIntervals::ece).map(e -> e.format(100, 2))
                        .orElse(String.format(Locale.ROOT, "%.2f", 100 * calibration.ece())),
                calibration.nll(), calibration.brier());
        for (EstimateMeasure measure : EstimateMeasure.values()) {
            ErrorEstimateCalibration estimate = calibration.errorEstimate(measure);
            console.printf(Locale.ROOT, "Expected error, %-24s Spearman %s, actual/expected %s, within the %.0f %% "
                            + "radius %s %% (median radius %.2f km)%n", measure.label() + ":",
                    CalibrationTable.number(estimate.spearman()), CalibrationTable.number(estimate.ratio()),
                    100 * estimate.confidenceLevel(), intervals.map(i -> i.coverage().get(measure).format(100, 2))
                            .orElse(String.format(Locale.ROOT, "%.2f", 100 * estimate.coverage())),
                    estimate.medianRadiusKm());
        }
    }
}
