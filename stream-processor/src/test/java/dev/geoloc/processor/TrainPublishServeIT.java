package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The whole rollout with the real jobs: the trainer's jar makes a tiny SynthCity dataset, trains, evaluates and
 * publishes a model to a model store and the model-versions topic; the packaged processor, following that model
 * name, starts predicting with it.
 */
class TrainPublishServeIT {

    private static final String MODEL = "e2e-street";

    @Test
    void aModelTheTrainerPublishesIsServedByTheRunningProcessor() throws Exception {
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Path work = Files.createDirectories(Path.of("target", "train-publish-serve").toAbsolutePath());
        Path dataset = work.resolve("dataset-" + System.nanoTime());

        // Given a model the trainer trained and published
        trainer(work, "synth", "--out", dataset.toString(), "--locations-per-region", "3", "--size", "64");
        Path run = work.resolve("run-" + System.nanoTime());
        trainer(work, "train", "--dataset", dataset.toString(), "--out", run.toString(), "--epochs", "1",
                "--batch-size", "16", "--hidden-dim", "32", "--device", "cpu");
        trainer(work, "evaluate", "--bundle", run.resolve("bundle").toString(), "--dataset", dataset.toString(),
                "--out", run.resolve("evaluation").toString(), "--device", "cpu");
        trainer(work, "publish", "--bundle", run.resolve("bundle").toString(), "--model-name", MODEL,
                "--metrics", run.resolve("evaluation").resolve("evaluation.json").toString(),
                "--store", work.resolve("store-" + System.nanoTime()).toString(), "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.schemaRegistryUrl());

        // When the processor follows that model name and a photo arrives
        ManifestEntry photo = Manifest.read(dataset.resolve(Manifest.FILE_NAME), RegionCatalog.losAngeles())
                .split(Split.TEST).get(0);
        try (TopicProbe probe = new TopicProbe();
             ProcessorProcess processor = ProcessorProcess.start(stack, null, work.resolve("state-" + System.nanoTime()),
                     work.resolve("processor.log"), Map.of("geoloc.model.name", MODEL,
                             "kafka-streams.session.timeout.ms", "6000"))) {
            probe.send(TopicProbe.event("e2e-photo", Files.readAllBytes(dataset.resolve(photo.image())),
                    new GeoPoint(photo.location().latitude(), photo.location().longitude())));

            // Then the prediction comes from the published version
            RegionPrediction prediction = probe.awaitPrediction("e2e-photo").value();
            assertThat(prediction.getModelName()).isEqualTo(MODEL);
            assertThat(prediction.getModelVersion()).isEqualTo(1);
            assertThat(prediction.getTrueRegionId()).isEqualTo(photo.regionId());
            assertThat(processor.isAlive()).isTrue();
        }
    }

    /** Runs the trainer's packaged jar as a user would; fails with its output if it fails. */
    private static void trainer(Path work, String... args) throws Exception {
        Path jar = Path.of("..", "trainer", "target", "geoloc-trainer.jar");
        assertThat(jar).as("the trainer's jar (the reactor builds the trainer before the processor)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = work.resolve("trainer-" + args[0] + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DJL_OFFLINE", "true");
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished && process.exitValue() == 0).as("trainer %s:%n%s", args[0], Files.readString(log)).isTrue();
    }
}
