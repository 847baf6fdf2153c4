package dev.geoloc.containers;

import static dev.geoloc.containers.ContainerStreamingStack.INTERNAL_BOOTSTRAP_SERVERS;
import static dev.geoloc.containers.ContainerStreamingStack.INTERNAL_SCHEMA_REGISTRY_URL;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.DockerClient;

import dev.geoloc.contracts.DeadLetterKeys;
import dev.geoloc.contracts.Topics;
import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.trainer.send.PhotoStream;

/**
 * The whole system as its images run it (deployment/images/build.sh): the broker, the registry, the trainer and the
 * processor, each in its container, wired as docker-compose.yml wires them. The trainer's image trains and publishes
 * a signed model; the processor's image serves it, answers a photo on its geotag API, hot-swaps to a second version
 * and is killed with SIGKILL while photos stream in; every photo must still get exactly one committed answer.
 */
class WholeSystemInContainersTest {

    private static final String VERSION = System.getProperty("geoloc.version");
    private static final String PROCESSOR_IMAGE = "localhost/geoloc/stream-processor:" + VERSION;
    private static final String TRAINER_IMAGE = "localhost/geoloc/trainer:" + VERSION;
    private static final String MODEL = "la-street";
    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(3);
    private static final double PHOTOS_PER_SECOND = 20;

    private static ContainerStreamingStack stack;
    private static Path work;
    private static Path logs;

    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final Set<Integer> versionsSeen = ConcurrentHashMap.newKeySet();
    private final Map<String, String> deadLetters = new ConcurrentHashMap<>();
    private final AtomicBoolean stopStreaming = new AtomicBoolean();
    private final AtomicBoolean stopWatching = new AtomicBoolean();

    @BeforeAll
    static void stackAndTopics() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        work = target.resolve("system-in-containers");
        logs = target.resolve("test-logs");
        deleteRecursively(work);
        // The containers run as uid 1001: the trainer writes the dataset, runs and store here, the processor reads.
        Files.createDirectories(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
        stack = ContainerStreamingStack.start();
        stack.createTopics(Path.of("../topics.conf").toAbsolutePath().normalize());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.saveLogs(logs);
            stack.close();
        }
        handBackToTheHost();
    }

    /**
     * The trainer's containers wrote here as uid 1001, whose files a host user other than root could not delete
     * (mvn clean, this test's next run). A container of that uid opens them to all; the folder holds test data only.
     */
    private static void handBackToTheHost() {
        try (GenericContainer<?> chmod = new GenericContainer<>(DockerImageName.parse(TRAINER_IMAGE))
                .withImagePullPolicy(Containers.NEVER_PULL)
                .withFileSystemBind(work.toString(), "/models", BindMode.READ_WRITE)
                .withCreateContainerCmdModifier(create -> create.withEntrypoint("find", "/models", "-mindepth", "1",
                        "-user", "1001", "-exec", "chmod", "a+rwX", "{}", "+"))
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(1)))) {
            chmod.start();
        }
    }

    @Test
    void everyPhotoGetsOneAnswerThroughAHotSwapAndAKillNine() throws Exception {
        // Given a signed model that the trainer's image trained, evaluated and published
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path keyDirectory = Files.createDirectories(work.resolve("keys"));
        Files.writeString(keyDirectory.resolve("signing.pem"), RolloutSignatures.pem(keys.getPrivate()));
        Files.writeString(keyDirectory.resolve("verify.pem"), RolloutSignatures.pem(keys.getPublic()));
        for (Path key : List.of(keyDirectory.resolve("signing.pem"), keyDirectory.resolve("verify.pem"))) {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        }
        trainer("synth", "--out", "/models/data", "--locations-per-region", "3", "--size", "64");
        trainAndEvaluate("a", "42");
        publish("a");
        // and a second model, to be published while photos stream
        trainAndEvaluate("b", "7");

        // When the processor's image serves the model line
        GenericContainer<?> processor = new GenericContainer<>(DockerImageName.parse(PROCESSOR_IMAGE))
                .withImagePullPolicy(Containers.NEVER_PULL)
                .withNetwork(stack.network()).withNetworkAliases("stream-processor")
                .withEnv(Map.of("GEOLOC_BOOTSTRAP_SERVERS", INTERNAL_BOOTSTRAP_SERVERS,
                        "GEOLOC_SCHEMA_REGISTRY_URL", INTERNAL_SCHEMA_REGISTRY_URL,
                        "GEOLOC_MODEL_NAME", MODEL,
                        "GEOLOC_MODEL_SIGNATURE_PUBLIC_KEY", "/models/keys/verify.pem",
                        // Static membership, as compose sets it: the restarted container takes its partitions back.
                        "GEOLOC_INSTANCE_ID", "geoloc-processor-1"))
                .withFileSystemBind(work.toString(), "/models", BindMode.READ_ONLY)
                .withExposedPorts(9000, 8080)
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(3)));
        CompletableFuture<Void> watching = CompletableFuture.runAsync(this::watchAnswers);
        try {
            processor.start();
            // and photos stream in at a steady rate
            List<String> sent = new ArrayList<>();
            CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> stream(sent));
            awaitAnswers(40);
            // and a photo is sent to its synchronous API meanwhile, as a platform's backend would
            HttpResponse<String> geotagged = geotagOnce(processor);
            // and a second version is published mid-stream
            publish("b");
            awaitVersion(2);
            // and the processor is killed with SIGKILL mid-stream, then started again
            DockerClient docker = DockerClientFactory.instance().client();
            docker.killContainerCmd(processor.getContainerId()).withSignal("KILL").exec();
            int answeredAtKill = answers.size();
            docker.startContainerCmd(processor.getContainerId()).exec();
            awaitHealthy(docker, processor.getContainerId());
            awaitAnswers(answeredAtKill + 40);
            stopStreaming.set(true);
            streaming.join();

            // Then every photo sent has exactly one committed answer: none lost, none twice
            awaitAllAnswered(sent);
            List<String> lost = sent.stream().filter(id -> !answers.containsKey(id)).toList();
            List<String> twice = sent.stream().filter(id -> answers.getOrDefault(id, 0) > 1).toList();
            System.out.printf("system in containers: %d photos sent, %d answered, %d lost, %d answered twice, "
                    + "versions %s%n", sent.size(), answers.size(), lost.size(), twice.size(), versionsSeen);
            assertThat(lost).as("photos with no committed answer").isEmpty();
            assertThat(twice).as("photos answered more than once").isEmpty();
            assertThat(deadLetters).as("dead letters").isEmpty();
            // and both versions answered: the hot swap happened in the stream
            assertThat(versionsSeen).contains(1, 2);
            // and the API answered its photo within the request, with the version serving then
            assertThat(geotagged.statusCode()).as(geotagged.body()).isEqualTo(200);
            assertThat(geotagged.body()).contains("\"model_version\":1", "\"image_id\":\"api-photo\"");
        } finally {
            stopStreaming.set(true);
            stopWatching.set(true);
            Containers.saveLogs(processor, logs.resolve("stream-processor.log"));
            processor.stop();
            watching.join();
        }
    }

    /** POST /v1/geotag on the container's HTTP port with one test photo, its file as the body. */
    private HttpResponse<String> geotagOnce(GenericContainer<?> processor) throws IOException, InterruptedException {
        PhotoStream photos = new PhotoStream(Manifest.read(work.resolve("data"), RegionCatalog.losAngeles()),
                Split.TEST, 11, "containers-test", "containers-test");
        java.nio.ByteBuffer image = ((InlineImage) photos.event(0, "api-photo").getContent()).getData();
        byte[] bytes = new byte[image.remaining()];
        image.get(bytes);
        URI endpoint = URI.create("http://" + processor.getHost() + ":" + processor.getMappedPort(8080)
                + "/v1/geotag?image_id=api-photo");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void trainAndEvaluate(String run, String seed) {
        trainer("train", "--dataset", "/models/data", "--out", "/models/runs/" + run, "--epochs", "1",
                "--batch-size", "16", "--hidden-dim", "32", "--seed", seed, "--device", "cpu");
        trainer("evaluate", "--bundle", "/models/runs/" + run + "/bundle", "--dataset", "/models/data",
                "--out", "/models/runs/" + run + "/eval", "--device", "cpu", "--bootstrap", "0");
    }

    /**
     * Publishes run {@code run}'s bundle, signed. Forced past the quality gate: one epoch's models are close to
     * chance, and what this test checks is the serving path, not the gate (PublishCommandTest tests the gate).
     */
    private void publish(String run) {
        trainer("publish", "--bundle", "/models/runs/" + run + "/bundle", "--model-name", MODEL,
                "--metrics", "/models/runs/" + run + "/eval/evaluation.json", "--store", "/models/store",
                "--signing-key", "/models/keys/signing.pem", "--force");
    }

    /** Runs one trainer command in the trainer's image, on the stack's network, and requires exit 0. */
    private void trainer(String... command) {
        try (GenericContainer<?> trainer = new GenericContainer<>(DockerImageName.parse(TRAINER_IMAGE))
                .withImagePullPolicy(Containers.NEVER_PULL)
                .withNetwork(stack.network())
                .withEnv(Map.of("GEOLOC_BOOTSTRAP_SERVERS", INTERNAL_BOOTSTRAP_SERVERS,
                        "GEOLOC_SCHEMA_REGISTRY_URL", INTERNAL_SCHEMA_REGISTRY_URL))
                .withFileSystemBind(work.toString(), "/models", BindMode.READ_WRITE)
                .withCommand(command)
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(5)))) {
            try {
                trainer.start();
            } finally {
                Containers.saveLogs(trainer, logs.resolve("trainer-" + command[0] + "-" + System.nanoTime() + ".log"));
            }
        }
    }

    /** Sends the test split's photos, cycling, at a steady rate until the test says stop. */
    private void stream(List<String> sent) {
        SpecificAvroSerde<SpecificRecord> serde = serde();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 11 * 1024 * 1024), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            PhotoStream photos = new PhotoStream(Manifest.read(work.resolve("data"), RegionCatalog.losAngeles()),
                    Split.TEST, 11, "containers-test", "containers-test");
            long start = System.nanoTime();
            for (int n = 0; !stopStreaming.get(); n++) {
                String id = "photo-" + n;
                producer.send(new ProducerRecord<>(Topics.IMAGE_EVENTS, id.getBytes(StandardCharsets.UTF_8),
                        serde.serializer().serialize(Topics.IMAGE_EVENTS, photos.event(n, id)))).get();
                synchronized (sent) {
                    sent.add(id);
                }
                Thread.sleep(Math.max(0, (start + (long) ((n + 1) * 1e9 / PHOTOS_PER_SECOND) - System.nanoTime()) / 1_000_000));
            }
        } catch (Exception e) {
            throw new IllegalStateException("Streaming photos failed", e);
        }
    }

    /** Counts each photo's committed answers, predictions and dead letters, from the beginning of both topics. */
    private void watchAnswers() {
        SpecificAvroSerde<SpecificRecord> serde = serde();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.REGION_PREDICTIONS, Topics.DEAD_LETTERS)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopWatching.get()) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    Object value = serde.deserializer().deserialize(record.topic(), record.value());
                    if (value instanceof RegionPrediction prediction) {
                        answers.merge(prediction.getImageId().toString(), 1, Integer::sum);
                        versionsSeen.add(prediction.getModelVersion());
                    } else if (value instanceof DeadLetter letter) {
                        String id = DeadLetterKeys.imageId(letter).orElse("(no key)");
                        answers.merge(id, 1, Integer::sum);
                        deadLetters.put(id, letter.getErrorCode() + ": " + letter.getReason());
                    }
                }
            }
        }
    }

    private SpecificAvroSerde<SpecificRecord> serde() {
        SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
        return serde;
    }

    private void awaitAnswers(int count) throws InterruptedException {
        await(() -> answers.size() >= count, count + " answered photos");
    }

    private void awaitVersion(int version) throws InterruptedException {
        await(() -> versionsSeen.contains(version), "an answer from v" + version);
    }

    private void awaitAllAnswered(List<String> sent) throws InterruptedException {
        List<String> all;
        synchronized (sent) {
            all = List.copyOf(sent);
        }
        await(() -> answers.keySet().containsAll(all), "an answer to each of the " + all.size() + " photos sent");
        // Answers that would come twice come a little after the first: give them the time to show.
        Thread.sleep(3000);
    }

    private static void awaitHealthy(DockerClient docker, String container) throws InterruptedException {
        await(() -> {
            var health = docker.inspectContainerCmd(container).exec().getState().getHealth();
            return health != null && "healthy".equals(health.getStatus());
        }, "the restarted processor to be healthy");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + ANSWER_TIMEOUT + " for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
