package dev.geoloc.trainer.send;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.RegionPrediction;

/**
 * The answers to the photos one {@code send} run sent: how many answers each photo got, and per model version how
 * its predictions did against the truth. Answers to other photos (other traffic on the same topics) are ignored.
 */
final class AnswerTally {

    /** Per model version, the first answers it gave to the photos sent. */
    private static final class Version {
        int predictions;
        int correct;
        double errorKm;
        double expectedErrorKm;
    }

    private final Map<String, String> truthRegion = new HashMap<>();
    private final Map<String, Integer> answers = new HashMap<>();
    private final Map<Integer, Version> versions = new TreeMap<>();
    private final Map<String, Integer> deadLetters = new TreeMap<>();

    void sent(String imageId, String trueRegionId) {
        truthRegion.put(imageId, trueRegionId);
    }

    void prediction(RegionPrediction p) {
        String id = p.getImageId().toString();
        if (truthRegion.containsKey(id) && answers.merge(id, 1, Integer::sum) == 1) {
            Version version = versions.computeIfAbsent(p.getModelVersion(), v -> new Version());
            version.predictions++;
            version.correct += p.getPredictedRegion().getRegionId().toString().equals(truthRegion.get(id)) ? 1 : 0;
            version.errorKm += p.getActualErrorKm() == null ? 0 : p.getActualErrorKm();
            version.expectedErrorKm += p.getExpectedErrorKm();
        }
    }

    void deadLetter(String imageId, DeadLetter letter) {
        if (truthRegion.containsKey(imageId) && answers.merge(imageId, 1, Integer::sum) == 1) {
            deadLetters.merge(letter.getErrorCode().toString(), 1, Integer::sum);
        }
    }

    int answered() {
        return answers.size();
    }

    int sent() {
        return truthRegion.size();
    }

    long answeredTwice() {
        return answers.values().stream().filter(n -> n > 1).count();
    }

    /** Prints what came back; the exit code: 0 when every photo has exactly one answer, else 1, saying why. */
    int report(PrintWriter out, PrintWriter err, double seconds) {
        out.printf(Locale.ROOT, "answered %d of %d in %.1f s: %d predictions, %d dead letters%s%n", answered(), sent(),
                seconds, versions.values().stream().mapToInt(v -> v.predictions).sum(),
                deadLetters.values().stream().mapToInt(Integer::intValue).sum(),
                deadLetters.isEmpty() ? "" : " " + deadLetters);
        versions.forEach((version, v) -> out.printf(Locale.ROOT,
                "  v%-3d %5d predictions, accuracy %5.1f %%, mean error %5.2f km, mean expected error %5.2f km%n",
                version, v.predictions, 100.0 * v.correct / v.predictions, v.errorKm / v.predictions,
                v.expectedErrorKm / v.predictions));
        if (answered() < sent()) {
            err.printf("send: %d photos got no answer: is a processor running and serving a model? (its readiness: "
                    + "/q/health/ready on its management port)%n", sent() - answered());
            return 1;
        }
        if (answeredTwice() > 0) {
            err.printf("send: %d photos were answered more than once%n", answeredTwice());
            return 1;
        }
        return 0;
    }
}
