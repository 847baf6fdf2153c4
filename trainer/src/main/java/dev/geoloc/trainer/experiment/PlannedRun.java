package dev.geoloc.trainer.experiment;

import java.nio.file.Path;

import dev.geoloc.trainer.evaluation.ModelDescription;
import dev.geoloc.trainer.loss.LossSpec;
import dev.geoloc.trainer.options.EncoderSource;

/**
 * One training run of an experiment: an encoder trained with a loss and a seed, in its own folder, so that a run
 * that finished is never trained again when the experiment resumes.
 *
 * @param model     the results table's row the run belongs to
 * @param directory where the run trains and keeps its bundle
 */
public record PlannedRun(EncoderSource encoder, ModelDescription model, LossSpec loss, long seed, Path directory) {

    /** Written once the run's bundle is complete: a run without it is trained (or its training resumed). */
    static final String FINISHED = "finished";

    public boolean finished() {
        return java.nio.file.Files.isRegularFile(directory.resolve(FINISHED));
    }

    public Path bundle() {
        return directory.resolve("bundle");
    }

    /** {@code runs/tiny-cnn/ranking_margin=0.1_reduce=mean/seed-3}: readable, and one folder per setting. */
    static Path directory(Path out, EncoderSource encoder, LossSpec loss, long seed) {
        return out.resolve("runs").resolve(encoder.contract().name())
                .resolve(loss.toString().replaceAll("[^A-Za-z0-9.=_-]+", "_")).resolve("seed-" + seed);
    }
}
