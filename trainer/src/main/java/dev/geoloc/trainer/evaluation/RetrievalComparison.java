package dev.geoloc.trainer.evaluation;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.geoloc.retrieval.Retrieval;

/**
 * The same images placed with a bundle's retrieval refinement and at the points their probabilities alone give:
 * what the gallery adds, to the photo, at every Acc@k radius (those below a region, 0.25, 0.5 and 1 km, being
 * the ones it is for) and on average.
 *
 * @param refined     the evaluation as served, refined points included
 * @param regionLevel the same images at their region-level points
 */
record RetrievalComparison(Retrieval retrieval, Evaluation refined, Evaluation regionLevel) {

    static final String CDF_PNG = "error-cdf-retrieval.png";

    void print(PrintWriter console) {
        console.printf(Locale.ROOT, "Retrieval (%d neighbours in the top %d region(s), similarity >= %.3f), to the photo:%n",
                retrieval.neighbours(), retrieval.regions(), retrieval.minSimilarity());
        line(console, "refined, as served", refined.distance(ErrorMeasure.PHOTO));
        line(console, "region-level estimate", regionLevel.distance(ErrorMeasure.PHOTO));
        List<BootstrapEstimate> gains = LocationBootstrap.DEFAULT.pairedDifference(List.of(refined), List.of(regionLevel),
                List.of(e -> e.distance(ErrorMeasure.PHOTO).meanKm(),
                        e -> e.distance(ErrorMeasure.PHOTO).medianKm(),
                        e -> e.distance(ErrorMeasure.PHOTO).accuracyWithinKm(0.25),
                        e -> e.distance(ErrorMeasure.PHOTO).accuracyWithinKm(1)));
        console.printf(Locale.ROOT, "  refined minus region-level [95 %% paired bootstrap over locations]: mean %s km, "
                + "median %s km, @0.25km %s points, @1km %s points%n", gains.get(0).format(1, 2),
                gains.get(1).format(1, 2), gains.get(2).format(100, 1), gains.get(3).format(100, 1));
    }

    private static void line(PrintWriter console, String label, DistanceMetrics photo) {
        console.printf(Locale.ROOT, "  %-22s mean %.2f km, median %.2f km", label, photo.meanKm(), photo.medianKm());
        for (double radius : Evaluation.RADII_KM) {
            console.printf(Locale.ROOT, ", @%skm %.1f %%", Evaluation.radiusLabel(radius),
                    100 * photo.accuracyWithinKm(radius));
        }
        console.println();
    }

    /** The two error CDFs to the photo, in one plot. */
    void writePlot(Path directory, String title) throws IOException {
        Map<String, Evaluation> both = new LinkedHashMap<>();
        both.put("refined by retrieval", refined);
        both.put("region-level estimate", regionLevel);
        ErrorCdfPlot.write(both, List.of(ErrorMeasure.PHOTO), title, directory.resolve(CDF_PNG));
    }
}
