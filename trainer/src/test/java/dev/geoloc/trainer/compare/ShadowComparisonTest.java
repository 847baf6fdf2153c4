package dev.geoloc.trainer.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Pairing answers by image and comparing them, on a handful of images worked out by hand. */
class ShadowComparisonTest {

    /**
     * v1 answered a-e, shadow v2 answered a-d, and f with canary v3:
     * <pre>
     * image  v1 (truth)        shadow v2         agree
     * a      r1 (r1) 2 km      r1 1 km           yes
     * b      r1 (r2) 4 km      r2 3 km           no
     * c      r3 (r1) 6 km      r3 8 km           yes
     * d      r2 unlabelled     r2 unlabelled     yes
     * </pre>
     */
    static final Map<String, Answer> ANSWERS = Map.of(
            "a", new Answer(1, "r1", "r1", 2.0),
            "b", new Answer(1, "r1", "r2", 4.0),
            "c", new Answer(1, "r3", "r1", 6.0),
            "d", new Answer(1, "r2", null, null),
            "e", new Answer(1, "r2", null, null),
            "f", new Answer(3, "r1", "r1", 1.0));
    static final Map<String, Answer> SHADOWS = Map.of(
            "a", new Answer(2, "r1", "r1", 1.0),
            "b", new Answer(2, "r2", "r2", 3.0),
            "c", new Answer(2, "r3", "r1", 8.0),
            "d", new Answer(2, "r2", null, null),
            "f", new Answer(2, "r1", "r1", 1.0),
            "g", new Answer(2, "r1", null, null));

    @Test
    void pairsImagesBothAnsweredByVersionPair() {
        List<ShadowComparison> comparisons = ShadowComparison.join(ANSWERS, SHADOWS);

        assertThat(comparisons).extracting(ShadowComparison::answerVersion).containsExactly(1, 3);
        assertThat(comparisons).extracting(ShadowComparison::shadowVersion).containsExactly(2, 2);
        assertThat(comparisons).extracting(ShadowComparison::images).containsExactly(4L, 1L);
    }

    @Test
    void agreementErrorsDifferenceAndAccuracy() {
        ShadowComparison c = ShadowComparison.join(ANSWERS, SHADOWS).get(0);

        assertThat(c.agreement()).isEqualTo(new Proportion(3, 4));
        assertThat(c.labelled()).isEqualTo(3);
        // v1: 2, 4, 6 km: mean 4, sd 2; shadow: 1, 3, 8 km: mean 4, sd sqrt(13); differences -1, -1, 2: mean 0, sd sqrt(3)
        assertThat(c.answerError().mean()).isCloseTo(4.0, within(1e-12));
        assertThat(c.answerError().interval95().orElseThrow().low()).isCloseTo(4 - 1.96 * 2 / Math.sqrt(3), within(1e-3));
        assertThat(c.shadowError().mean()).isCloseTo(4.0, within(1e-12));
        assertThat(c.shadowError().standardDeviation()).hasValueSatisfying(sd -> assertThat(sd).isCloseTo(Math.sqrt(13), within(1e-12)));
        assertThat(c.difference().mean()).isCloseTo(0.0, within(1e-12));
        assertThat(c.difference().standardDeviation()).hasValueSatisfying(sd -> assertThat(sd).isCloseTo(Math.sqrt(3), within(1e-12)));
        assertThat(c.answerAccuracy()).isEqualTo(new Proportion(1, 3));
        assertThat(c.shadowAccuracy()).isEqualTo(new Proportion(2, 3));
    }
}
