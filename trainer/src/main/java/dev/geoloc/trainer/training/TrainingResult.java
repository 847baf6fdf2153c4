package dev.geoloc.trainer.training;

import java.nio.file.Path;
import java.util.List;

/** What a run produced: the bundle of its best epoch and the history that chose it. */
public record TrainingResult(Path bundle, List<EpochRecord> epochs, EpochRecord best, boolean stoppedEarly) {

    public TrainingResult {
        epochs = List.copyOf(epochs);
    }
}
