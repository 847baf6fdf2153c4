package dev.geoloc.trainer.evaluation;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The same images placed at each point the model can answer with ({@link PointStage}): what the cell head and the
 * gallery add, to the photo, at every Acc@k radius (those below a region, 0.25, 0.5 and 1 km, being the ones they
 * are for) and on average, each finer step paired against the coarser ones over the same resampled locations.
 *
 * @param served  the stage the model answers with, the finest it has
 * @param details how the served stage was set up, in words (e.g. retrieval's settings); may be empty
 * @param stages  the evaluation at each stage up to the served one, coarse to fine
 */
record PointComparison(PointStage served, String details, Map<PointStage, Evaluation> stages) {

    static final String CDF_PNG = "error-cdf-points.png";

    PointComparison {
        if (!stages.containsKey(served) || stages.size() < 2) {
            throw new IllegalArgumentException("a comparison needs the served stage " + served + " and a coarser one; got "
                    + stages.keySet());
        }
        stages = Collections.unmodifiableMap(new EnumMap<>(stages));
    }

    void print(PrintWriter console) {
        console.printf(Locale.ROOT, "Points below the region, to the photo (answered: %s%s):%n", served.label(),
                details.isEmpty() ? "" : ", " + details);
        List<PointStage> order = new ArrayList<>(stages.keySet());
        Collections.reverse(order);
        order.forEach(stage -> line(console, stage.label() + (stage == served ? ", as served" : ""),
                stages.get(stage).distance(ErrorMeasure.PHOTO)));
        // Each error bar around its own point: the region-level estimate's, and the served point's. A cell's point
        // behind a gallery's keeps the region-level bar (its own needs the head's output), so it is left out.
        for (PointStage stage : order) {
            if (stage != served && stage != PointStage.REGION) {
                continue;
            }
            stages.get(stage).calibration().map(c -> c.errorEstimate(EstimateMeasure.PHOTO)).ifPresent(bar ->
                    console.printf(Locale.ROOT, "  error bar around the %-22s actual/expected %s, within the %.0f %% "
                                    + "radius %.1f %%, median radius %.2f km%n", stage.label() + ":",
                            CalibrationTable.number(bar.ratio()), 100 * bar.confidenceLevel(), 100 * bar.coverage(),
                            bar.medianRadiusKm()));
        }
        List<ToDoubleFunction<Evaluation>> figures = List.of(
                e -> e.distance(ErrorMeasure.PHOTO).meanKm(),
                e -> e.distance(ErrorMeasure.PHOTO).medianKm(),
                e -> e.distance(ErrorMeasure.PHOTO).accuracyWithinKm(0.25),
                e -> e.distance(ErrorMeasure.PHOTO).accuracyWithinKm(0.5),
                e -> e.distance(ErrorMeasure.PHOTO).accuracyWithinKm(1));
        for (PointStage coarser : stages.keySet()) {
            if (coarser == served) {
                continue;
            }
            List<BootstrapEstimate> gains = LocationBootstrap.DEFAULT.pairedDifference(List.of(stages.get(served)),
                    List.of(stages.get(coarser)), figures);
            console.printf(Locale.ROOT, "  served minus %s [95 %% paired bootstrap over locations]: mean %s km, "
                            + "median %s km, @0.25km %s points, @0.5km %s points, @1km %s points%n", coarser.label(),
                    gains.get(0).format(1, 2), gains.get(1).format(1, 2), gains.get(2).format(100, 1),
                    gains.get(3).format(100, 1), gains.get(4).format(100, 1));
        }
    }

    private static void line(PrintWriter console, String label, DistanceMetrics photo) {
        console.printf(Locale.ROOT, "  %-34s mean %.2f km, median %.2f km", label, photo.meanKm(), photo.medianKm());
        for (double radius : Evaluation.RADII_KM) {
            console.printf(Locale.ROOT, ", @%skm %.1f %%", Evaluation.radiusLabel(radius),
                    100 * photo.accuracyWithinKm(radius));
        }
        console.println();
    }

    /** The stages' error CDFs to the photo, in one plot. */
    void writePlot(Path directory, String title) throws IOException {
        Map<String, Evaluation> curves = new LinkedHashMap<>();
        stages.forEach((stage, evaluation) -> curves.put(stage.label(), evaluation));
        ErrorCdfPlot.write(curves, List.of(ErrorMeasure.PHOTO), title, directory.resolve(CDF_PNG));
    }
}
