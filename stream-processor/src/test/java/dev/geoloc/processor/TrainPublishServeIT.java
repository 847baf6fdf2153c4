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
import dev.geoloc.stack.LocalObjectStore;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The whole rollout with the real jobs: the trainer's jar makes a tiny SynthCity dataset, trains, evaluates and
 * publishes a model to a model store and the model-versions topic; the packaged processor, following that model
 * name, starts predicting with it, swaps to a second version, and back when the trainer rolls back; the same through an
 * S3 bucket (S3Proxy), with the store down when the rollback comes.
 */
class TrainPublishServeIT {

    private static final String MODEL = "e2e-street";

    @Test
    void aModelTheTrainerPublishesIsServedByTheRunningProcessor() throws Exception {
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Path work = Files.createDirectories(Path.of("target", "train-publish-serve").toAbsolutePath());

        // Given a model the trainer trained and published
        Trained trained = trainSigned(work);
        Path dataset = trained.dataset();
        Path verifyKey = trained.verifyKey();
        List<String> kafka = trained.kafka(stack);
        List<String> publish = trained.publish(MODEL, stack, "--store", work.resolve("store-" + System.nanoTime()).toString());
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

    @Test
    void aModelPublishedToObjectStorageIsServedSwappedAndRolledBackThroughAnOutage() throws Exception {
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Path work = Files.createDirectories(Path.of("target", "train-publish-serve-s3").toAbsolutePath());
        String model = "e2e-s3-street";
        try (LocalObjectStore s3 = LocalObjectStore.start(work.resolve("s3-" + System.nanoTime()))) {
            s3.createBucket("models");
            // The SDK's default credential chain, as a deployment gives it: here from the environment.
            Map<String, String> credentials = Map.of("AWS_ACCESS_KEY_ID", LocalObjectStore.ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", LocalObjectStore.SECRET_KEY);
            // Given a model the trainer trained and published to s3://models/la
            Trained trained = trainSigned(work);
            Path dataset = trained.dataset();
            Path verifyKey = trained.verifyKey();
            List<String> kafka = trained.kafka(stack);
            List<String> publish = trained.publish(model, stack, "--store", "s3://models/la", "--s3-endpoint",
                    s3.endpoint().toString(), "--s3-path-style");
            trainer(work, credentials, publish);
            byte[] image = Files.readAllBytes(dataset.resolve(Manifest.read(dataset.resolve(Manifest.FILE_NAME),
                    RegionCatalog.losAngeles()).split(Split.TEST).get(0).image()));

            // When the processor follows it, reading s3:// artifacts with its own credentials
            Map<String, String> settings = Map.of("geoloc.model.name", model,
                    "geoloc.model.signature-public-key", verifyKey.toString(),
                    "geoloc.model.s3.endpoint", s3.endpoint().toString(), "geoloc.model.s3.path-style", "true",
                    "kafka-streams.session.timeout.ms", "6000");
            try (TopicProbe probe = new TopicProbe();
                 ProcessorProcess processor = ProcessorProcess.start(stack, null, work.resolve("state-" + System.nanoTime()),
                         work.resolve("processor.log"), settings, credentials)) {
                // Then it serves v1 from the bucket, and v2 once published there
                awaitServed(probe, image, 1);
                trainer(work, credentials, publish);
                awaitServed(probe, image, 2);

                // And when the object store goes down and v1, retired meanwhile, is rolled back to
                s3.stop();
                List<String> rollback = new ArrayList<>(List.of("rollback", "--model-name", model, "--to-version", "1"));
                rollback.addAll(kafka);
                trainer(work, rollback);
                // then v2 goes on serving while v1 cannot be fetched
                Thread.sleep(3000);
                assertThat(answeredBy(probe, image, "e2e-s3-outage")).isEqualTo(2);
                assertThat(Files.readString(work.resolve("processor.log"))).contains("cannot be read from S3");
                // and once the store is back, v1 is fetched again and serves, the processor never having stopped
                s3.restart();
                awaitServed(probe, image, 1);
                assertThat(processor.isAlive()).isTrue();
            }
        }
    }

    /** A dataset, a model trained and evaluated on it, and the key pair its actions are signed with. */
    private record Trained(Path dataset, Path run, Path signingKey, Path verifyKey) {

        /** Where the trainer reaches Kafka and the registry, and the key it signs its actions with. */
        List<String> kafka(StreamingStack stack) {
            return List.of("--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url",
                    stack.schemaRegistryUrl(), "--signing-key", signingKey.toString());
        }

        /** publish of this model under {@code model}, with its evaluation, into the store {@code store} names. */
        List<String> publish(String model, StreamingStack stack, String... store) {
            List<String> publish = new ArrayList<>(List.of("publish", "--bundle", run.resolve("bundle").toString(),
                    "--model-name", model, "--metrics", run.resolve("evaluation").resolve("evaluation.json").toString()));
            publish.addAll(List.of(store));
            publish.addAll(kafka(stack));
            return publish;
        }
    }

    private static Trained trainSigned(Path work) throws Exception {
        Path dataset = work.resolve("dataset-" + System.nanoTime());
        trainer(work, "synth", "--out", dataset.toString(), "--locations-per-region", "3", "--size", "64");
        Path run = work.resolve("run-" + System.nanoTime());
        trainer(work, "train", "--dataset", dataset.toString(), "--out", run.toString(), "--epochs", "1",
                "--batch-size", "16", "--hidden-dim", "32", "--device", "cpu");
        trainer(work, "evaluate", "--bundle", run.resolve("bundle").toString(), "--dataset", dataset.toString(),
                "--out", run.resolve("evaluation").toString(), "--device", "cpu");
        // Signed, as deployments must be: the trainer signs every action, the processor trusts its public key.
        java.security.KeyPair keys = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        return new Trained(dataset, run,
                Files.writeString(work.resolve("signing.pem"), RolloutSignatures.pem(keys.getPrivate())),
                Files.writeString(work.resolve("verify.pem"), RolloutSignatures.pem(keys.getPublic())));
    }

    private static int answeredBy(TopicProbe probe, byte[] image, String id) {
        probe.send(TopicProbe.event(id, image, null));
        return probe.awaitPrediction(id).value().getModelVersion();
    }

    /** Sends photos until one is answered by {@code version}, for up to a minute. */
    private static void awaitServed(TopicProbe probe, byte[] image, int version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        int answeredBy = -1;
        for (int i = 0; answeredBy != version && System.nanoTime() < deadline; i++) {
            answeredBy = answeredBy(probe, image, "e2e-v" + version + "-" + i + "-" + System.nanoTime());
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
        trainer(work, Map.of(), args);
    }

    private static void trainer(Path work, Map<String, String> environment, List<String> args) throws Exception {
        Path jar = Path.of("..", "trainer", "target", "geoloc-trainer.jar");
        assertThat(jar).as("the trainer's jar (the reactor builds the trainer before the processor)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-jar", jar.toString()));
        command.addAll(args);
        Path log = work.resolve("trainer-" + args.get(0) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DJL_OFFLINE", "true");
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished && process.exitValue() == 0).as("trainer %s:%n%s", args.get(0), Files.readString(log)).isTrue();
    }
}
