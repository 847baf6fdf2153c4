package dev.geoloc.processor.panorama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import dev.geoloc.regions.LatLon;

/** What the fusing task's store and topic hold survives its encoding, phase by phase. */
class PanoramaStateTest {

    private static final ViewAnswer NORTH = new ViewAnswer("pano-é", 4, "photo-0", OptionalInt.of(0), "la-street", 3,
            "c".repeat(64), new float[] {0.7f, 0.2f, 0.1f}, Optional.of(new LatLon(34.05, -118.25)));
    private static final ViewAnswer BROKEN = ViewAnswer.failed("pano-é", 4, "photo-1", OptionalInt.empty());

    @Test
    void aViewReadsBackAsItWasWritten() {
        ViewAnswer read = ViewAnswer.fromBytes(NORTH.toBytes());

        assertThat(read).usingRecursiveComparison().isEqualTo(NORTH);
        assertThat(read.predicted()).isTrue();
        assertThat(ViewAnswer.fromBytes(BROKEN.toBytes()).predicted()).isFalse();
    }

    @Test
    void aGroupKeepsItsViewsThroughItsPhasesAndDropsThemWhenClosed() {
        PanoramaState open = PanoramaState.open(NORTH, 1_000, 31_000).withView(BROKEN);
        PanoramaState answered = open.inGrace(true, 91_000);
        PanoramaState closed = answered.closed(3_691_000);

        var serde = PanoramaState.serde();
        PanoramaState readAnswered = serde.deserializer().deserialize("t", serde.serializer().serialize("t", answered));
        PanoramaState readClosed = serde.deserializer().deserialize("t", serde.serializer().serialize("t", closed));

        assertThat(readAnswered.views()).usingRecursiveFieldByFieldElementComparator().containsExactly(NORTH, BROKEN);
        assertThat(readAnswered).extracting(PanoramaState::phase, PanoramaState::revision, PanoramaState::deadlineMs,
                PanoramaState::firstViewMs).containsExactly(PanoramaState.Phase.GRACE, 1, 91_000L, 1_000L);
        assertThat(readClosed.phase()).isEqualTo(PanoramaState.Phase.CLOSED);
        assertThat(readClosed.views()).isEmpty();
        assertThat(readClosed.revision()).isEqualTo(1);
    }

    @Test
    void aPhotoSentAgainReplacesItsEarlierAnswer() {
        ViewAnswer again = new ViewAnswer("pano-é", 4, "photo-0", OptionalInt.of(0), "la-street", 4, "c".repeat(64),
                new float[] {0.1f, 0.8f, 0.1f}, Optional.empty());

        PanoramaState group = PanoramaState.open(NORTH, 0, 30_000).withView(again);

        assertThat(group.views()).hasSize(1);
        assertThat(group.views().get(0).modelVersion()).isEqualTo(4);
        assertThat(group.complete()).isFalse();
    }

    @Test
    void deadlineKeysSortByTimeAndGiveTheirGroupBack() {
        assertThat(PanoramaStores.deadlineKey(999, "zz")).isLessThan(PanoramaStores.deadlineKey(1_000, "a"));
        assertThat(PanoramaStores.groupOf(PanoramaStores.deadlineKey(1_000, "pano-é"))).isEqualTo("pano-é");
    }

    @Test
    void bytesOfAnotherFormatAreRefused() {
        assertThatThrownBy(() -> ViewAnswer.fromBytes(new byte[] {9, 0, 0})).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format 9");
    }
}
