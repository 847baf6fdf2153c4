package dev.geoloc.trainer.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean finished() {
        return Files.isRegularFile(directory.resolve(FINISHED));
    }

    public Path bundle() {
        return directory.resolve("bundle");
    }

    /**
     * Seconds its epochs took, from its training log: what the run cost, whichever invocations of the experiment
     * trained it (a resumed run appends to its log). 0 for a run never trained.
     */
    public double trainedSeconds() throws IOException {
        Path log = directory.resolve("training-log.jsonl");
        if (!Files.isRegularFile(log)) {
            return 0;
        }
        double seconds = 0;
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                seconds += JSON.readTree(line).path("seconds").asDouble();
            }
        }
        return seconds;
    }

    /** {@code runs/tiny-cnn/ranking_margin=0.1_reduce=mean/seed-3}: readable, and one folder per setting. */
    static Path directory(Path out, EncoderSource encoder, LossSpec loss, long seed) {
        return out.resolve("runs").resolve(encoder.contract().name())
                .resolve(loss.toString().replaceAll("[^A-Za-z0-9.=_-]+", "_")).resolve("seed-" + seed);
    }
}
