package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.geoloc.contracts.versions.RolloutSignatures;
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
 * name, starts predicting with it, swaps to a second version, and back when the trainer rolls back.
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
        // Signed, as deployments must be: the trainer signs every action, the processor trusts its public key.
        java.security.KeyPair keys = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path signingKey = Files.writeString(work.resolve("signing.pem"), RolloutSignatures.pem(keys.getPrivate()));
        Path verifyKey = Files.writeString(work.resolve("verify.pem"), RolloutSignatures.pem(keys.getPublic()));
        List<String> kafka = List.of("--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.schemaRegistryUrl(), "--signing-key", signingKey.toString());
        List<String> publish = new ArrayList<>(List.of("publish", "--bundle", run.resolve("bundle").toString(),
                "--model-name", MODEL, "--metrics", run.resolve("evaluation").resolve("evaluation.json").toString(),
                "--store", work.resolve("store-" + System.nanoTime()).toString()));
        publish.addAll(kafka);
        trainer(work, publish);

        // When the processor follows that model name and a photo arrives
        ManifestEntry photo = Manifest.read(dataset.resolve(Manifest.FILE_NAME), RegionCatalog.losAngeles())
                .split(Split.TEST).get(0);
        try (TopicProbe probe = new TopicProbe();
             ProcessorProcess processor = ProcessorProcess.start(stack, null, work.resolve("state-" + System.nanoTime()),
                     work.resolve("processor.log"), Map.of("geoloc.model.name", MODEL,
                             "geoloc.model.signature-public-key", verifyKey.toString(),
                             "kafka-streams.session.timeout.ms", "6000"))) {
            probe.send(TopicProbe.event("e2e-photo", Files.readAllBytes(dataset.resolve(photo.image())),
                    new GeoPoint(photo.location().latitude(), photo.location().longitude())));

            // Then the prediction comes from the published version
            RegionPrediction prediction = probe.awaitPrediction("e2e-photo").value();
            assertThat(prediction.getModelName()).isEqualTo(MODEL);
            assertThat(prediction.getModelVersion()).isEqualTo(1);
            assertThat(prediction.getTrueRegionId()).isEqualTo(photo.regionId());

            // And when the same model is published again, as version 2 (as good: the gate lets it pass)
            trainer(work, publish);
            byte[] image = Files.readAllBytes(dataset.resolve(photo.image()));
            awaitServed(probe, image, 2);
            // then rolled back to version 1, which the processor serves again
            List<String> rollback = new ArrayList<>(List.of("rollback", "--model-name", MODEL, "--to-version", "1"));
            rollback.addAll(kafka);
            trainer(work, rollback);
            awaitServed(probe, image, 1);
            assertThat(processor.isAlive()).isTrue();
        }
    }

    /** Sends photos until one is answered by {@code version}, for up to a minute. */
    private static void awaitServed(TopicProbe probe, byte[] image, int version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        int answeredBy = -1;
        for (int i = 0; answeredBy != version && System.nanoTime() < deadline; i++) {
            String id = "e2e-v" + version + "-" + i;
            probe.send(TopicProbe.event(id, image, null));
            answeredBy = probe.awaitPrediction(id).value().getModelVersion();
            if (answeredBy != version) {
                Thread.sleep(500);
            }
        }
        assertThat(answeredBy).as("the version answering").isEqualTo(version);
    }

    /** Runs the trainer's packaged jar as a user would; fails with its output if it fails. */
    private static void trainer(Path work, String... args) throws Exception {
        trainer(work, List.of(args));
    }

    private static void trainer(Path work, List<String> args) throws Exception {
        Path jar = Path.of("..", "trainer", "target", "geoloc-trainer.jar");
        assertThat(jar).as("the trainer's jar (the reactor builds the trainer before the processor)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-jar", jar.toString()));
        command.addAll(args);
        Path log = work.resolve("trainer-" + args.get(0) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DJL_OFFLINE", "true");
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished && process.exitValue() == 0).as("trainer %s:%n%s", args.get(0), Files.readString(log)).isTrue();
    }
}
