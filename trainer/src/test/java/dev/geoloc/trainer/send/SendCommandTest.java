package dev.geoloc.trainer.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.contracts.Topics;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

/**
 * {@code send} against a real broker and registry. Where a processor would answer, the test does: it reads the
 * photos from image-events and answers each one, right for even photos and wrong for odd ones.
 */
@ExtendWith(StreamingStackExtension.class)
class SendCommandTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @TempDir
    static Path shared;
    private static Path dataset;

    private final StreamingStack stack;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicBoolean stop = new AtomicBoolean();
    private CompletableFuture<List<ImageEvent>> processor;

    SendCommandTest(StreamingStack stack) {
        this.stack = stack;
        stack.createTopics(new NewTopic(Topics.IMAGE_EVENTS, 2, (short) 1),
                new NewTopic(Topics.REGION_PREDICTIONS, 2, (short) 1), new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1));
    }

    @BeforeAll
    static void tinyDataset() throws IOException {
        dataset = shared.resolve("synth");
        new SynthCityGenerator(LA, SynthCityConfig.defaults().withLocationsPerRegion(3).withSize(32, 32))
                .generate(dataset, 2, (done, total) -> { });
    }

    @AfterEach
    void stopTheStandIn() {
        if (processor != null) {
            eventsTheStandInRead();
        }
    }

    @Test
    void sendsThePhotosWithTheirTruthAndSummarisesTheAnswersPerVersion() throws Exception {
        PhotoStream photos = new PhotoStream(Manifest.read(dataset, LA), Split.TEST, 11, "test", "answered");
        processor = answering(photos, true);

        assertThat(send("--count", "6", "--id-prefix", "answered")).isZero();

        List<ImageEvent> sent = eventsTheStandInRead();
        assertThat(sent).extracting(e -> e.getImageId().toString())
                .containsExactly("answered-0", "answered-1", "answered-2", "answered-3", "answered-4", "answered-5");
        ImageEvent first = sent.get(0);
        assertThat(first.getContent()).isInstanceOf(InlineImage.class);
        assertThat(first.getGroundTruth().getLatitude()).isEqualTo(photos.photo(0).location().latitude());
        assertThat(first.getCaptureGroup().getGroupId().toString()).isEqualTo("answered/" + photos.photo(0).locationId() + "#0");
        String printed = out.toString().replaceAll(" +", " ");
        assertThat(printed).contains("sent 6 photos of the test split of " + dataset,
                "answered 6 of 6 in", "6 predictions, 0 dead letters",
                "v3 6 predictions, accuracy 50.0 %, mean error 1.00 km, mean expected error 3.00 km");
    }

    @Test
    void photosThatGetNoAnswerFailTheRun() throws Exception {
        processor = answering(new PhotoStream(Manifest.read(dataset, LA), Split.TEST, 11, "test", "answered"), false);

        assertThat(send("--count", "3", "--id-prefix", "unanswered", "--answer-timeout", "1")).isEqualTo(1);

        assertThat(eventsTheStandInRead()).hasSize(3);
        assertThat(out.toString()).contains("answered 0 of 3");
        assertThat(err.toString()).contains("send: 3 photos got no answer: is a processor running");
    }

    @Test
    void aSplitThatIsNotOneIsAUsageError() {
        assertThat(send("--split", "holdout")).isEqualTo(2);
        assertThat(err.toString()).contains("split 'holdout' is not one of train, validation, test");
    }

    private int send(String... args) {
        List<String> all = new ArrayList<>(List.of("send", "--dataset", dataset.toString(), "--rate", "50",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl()));
        all.addAll(List.of(args));
        CommandLine command = TrainerCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(all.toArray(String[]::new));
    }

    private List<ImageEvent> eventsTheStandInRead() {
        stop.set(true);
        return processor.join();
    }

    /**
     * Stands in for a processor from now on: reads image-events and, when {@code answer}, answers each photo as
     * version 3, in its true region (error 0) for even photos and in another region (error 2 km) for odd ones.
     * Returns the events it read once the test stops it.
     */
    private CompletableFuture<List<ImageEvent>> answering(PhotoStream photos, boolean answer) {
        SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.IMAGE_EVENTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
        return CompletableFuture.supplyAsync(() -> {
            List<ImageEvent> events = new ArrayList<>();
            try (consumer; producer) {
                while (!stop.get()) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        ImageEvent event = (ImageEvent) serde.deserializer().deserialize(record.topic(), record.value());
                        events.add(event);
                        if (answer) {
                            String id = event.getImageId().toString();
                            producer.send(new ProducerRecord<>(Topics.REGION_PREDICTIONS, id.getBytes(StandardCharsets.UTF_8),
                                    serde.serializer().serialize(Topics.REGION_PREDICTIONS, prediction(id, photos))));
                        }
                    }
                }
            }
            events.sort((a, b) -> a.getImageId().toString().compareTo(b.getImageId().toString()));
            return events;
        });
    }

    private static RegionPrediction prediction(String id, PhotoStream photos) {
        int n = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
        String truth = photos.photo(n).regionId();
        boolean right = n % 2 == 0;
        String region = right ? truth : LA.regions().stream().map(r -> r.id()).filter(r -> !r.equals(truth))
                .findFirst().orElseThrow();
        RegionScore predicted = new RegionScore(region, "Region " + region, 0.6);
        return RegionPrediction.newBuilder()
                .setImageId(id).setModelName("la-street").setModelVersion(3)
                .setTopRegions(List.of(predicted)).setPredictedRegion(predicted)
                .setEstimatedLocation(new GeoPoint(34.05, -118.25)).setExpectedErrorKm(3.0)
                .setConfidenceRadiusKm(5.0).setConfidenceLevel(0.9).setBatchSize(8)
                .setQueueLatencyMs(1.0).setInferenceLatencyMs(10.0).setEndToEndLatencyMs(12.0)
                .setProcessedTime(Instant.now())
                .setTrueRegionId(truth).setActualErrorKm(right ? 0.0 : 2.0)
                .build();
    }
}
