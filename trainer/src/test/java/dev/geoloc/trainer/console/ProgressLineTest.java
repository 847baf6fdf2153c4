package dev.geoloc.trainer.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private final StringWriter text = new StringWriter();

    @Test
    void inALogEachUpdateThatShowsIsALineOfItsOwnWithoutCarriageReturns() {
        ProgressLine progress = new ProgressLine(new PrintWriter(text), "epoch 1", "images", 8, false);

        for (int done = 1; done <= 8; done++) {
            progress.update(done);
        }

        // within five seconds only the last shows: a log gets one line per few seconds, not one per update
        assertThat(text.toString()).doesNotContain("\r")
                .matches("epoch 1 \\[#{24}\\] 8/8 images \\(100%\\), [0-9.]+ images/s, ETA 0s\\R");
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAndEndedByTheLastUpdate() {
        ProgressLine progress = new ProgressLine(new PrintWriter(text), "evaluating", "images", 4, true);

        progress.update(4);

        assertThat(text.toString()).startsWith("\revaluating [#").endsWith("ETA 0s\n")
                .contains("4/4 images (100%)");
    }

    @Test
    void timeLeftReadsInHoursMinutesOrSeconds() {
        assertThat(ProgressLine.duration(42)).isEqualTo("42s");
        assertThat(ProgressLine.duration(125)).isEqualTo("2m05s");
        assertThat(ProgressLine.duration(7260)).isEqualTo("2h01m");
    }
}
