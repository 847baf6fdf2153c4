package dev.geoloc.trainer.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A shadow version against the version that answered the same images: how often they predict the same region,
 * and, on images with ground truth, the error and accuracy of each and the paired difference of their errors.
 * Pairing by image is what makes a small difference visible: both versions saw the very same photos, so the
 * photos' own difficulty cancels out of the difference.
 */
public final class ShadowComparison {

    private final int answerVersion;
    private final int shadowVersion;
    private long images;
    private long agreeing;
    private long labelled;
    private long answerCorrect;
    private long shadowCorrect;
    private final SampleMean answerError = new SampleMean();
    private final SampleMean shadowError = new SampleMean();
    private final SampleMean difference = new SampleMean();

    ShadowComparison(int answerVersion, int shadowVersion) {
        this.answerVersion = answerVersion;
        this.shadowVersion = shadowVersion;
    }

    /**
     * Each pair of versions that answered the same images, by answering version then shadow version.
     *
     * @param answers by image id: the answers that went out (region-predictions)
     * @param shadows by image id: the shadow's answers (shadow-predictions)
     */
    public static List<ShadowComparison> join(Map<String, Answer> answers, Map<String, Answer> shadows) {
        Map<Versions, ShadowComparison> pairs = new TreeMap<>(
                Comparator.comparingInt(Versions::answer).thenComparingInt(Versions::shadow));
        shadows.forEach((image, shadow) -> {
            Answer answer = answers.get(image);
            if (answer != null) {
                pairs.computeIfAbsent(new Versions(answer.version(), shadow.version()),
                        v -> new ShadowComparison(v.answer(), v.shadow())).add(answer, shadow);
            }
        });
        return new ArrayList<>(pairs.values());
    }

    private record Versions(int answer, int shadow) {
    }

    void add(Answer answer, Answer shadow) {
        images++;
        agreeing += answer.regionId().equals(shadow.regionId()) ? 1 : 0;
        // Both answered the same event, so both carry its ground truth or neither does.
        if (answer.labelled() && shadow.labelled()) {
            labelled++;
            answerCorrect += answer.correct() ? 1 : 0;
            shadowCorrect += shadow.correct() ? 1 : 0;
            answerError.add(answer.errorKm());
            shadowError.add(shadow.errorKm());
            difference.add(shadow.errorKm() - answer.errorKm());
        }
    }

    public int answerVersion() {
        return answerVersion;
    }

    public int shadowVersion() {
        return shadowVersion;
    }

    public long images() {
        return images;
    }

    /** Images both predicted in the same region, of those both answered. */
    public Proportion agreement() {
        return new Proportion(agreeing, images);
    }

    /** Images with ground truth. */
    public long labelled() {
        return labelled;
    }

    /** Errors of the answering version on labelled images, in km. */
    public SampleMean answerError() {
        return answerError;
    }

    public SampleMean shadowError() {
        return shadowError;
    }

    /** The shadow's error minus the answering version's, image by image: below 0, the shadow is closer. */
    public SampleMean difference() {
        return difference;
    }

    /** Labelled images whose true region the answering version predicted; only with labelled images. */
    public Proportion answerAccuracy() {
        return new Proportion(answerCorrect, labelled);
    }

    public Proportion shadowAccuracy() {
        return new Proportion(shadowCorrect, labelled);
    }
}
