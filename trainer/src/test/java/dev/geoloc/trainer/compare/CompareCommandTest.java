package dev.geoloc.trainer.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

/**
 * {@code compare} against a real broker and registry, on predictions written to topics of its own as processors
 * write them: the images of {@link ShadowComparisonTest}, whose figures are worked out by hand there.
 */
@ExtendWith(StreamingStackExtension.class)
class CompareCommandTest {

    private final StreamingStack stack;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private String predictions;
    private String shadows;

    CompareCommandTest(StreamingStack stack) {
        this.stack = stack;
    }

    @BeforeEach
    void topics() {
        predictions = "region-predictions-" + UUID.randomUUID();
        shadows = "shadow-predictions-" + UUID.randomUUID();
        stack.createTopics(new NewTopic(predictions, 3, (short) 1), new NewTopic(shadows, 3, (short) 1));
    }

    @Test
    void printsAgreementErrorsAndAccuracyForEachPairOfVersions() throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // Answered twice: the last answer counts. And another model's answer to the same image, which does not.
        records.add(prediction(predictions, "a", "la-street", new Answer(1, "r9", "r1", 30.0)));
        records.add(prediction(predictions, "a", "la-other", new Answer(7, "r5", "r1", 50.0)));
        ShadowComparisonTest.ANSWERS.forEach((image, answer) -> records.add(prediction(predictions, image, "la-street", answer)));
        ShadowComparisonTest.SHADOWS.forEach((image, answer) -> records.add(prediction(shadows, image, "la-street", answer)));
        send(records);

        assertThat(compare("--model-name", "la-street")).isZero();

        String printed = out.toString().replaceAll(" +", " ");
        assertThat(printed).contains("la-street: shadow v2 against v1, the version that answered (" + predictions
                        + " and " + shadows + "; 95 % intervals in brackets)",
                "images compared 4\n",
                "agreement 75.0 % [30.1, 95.4] (same predicted region)",
                "labelled images 3\n",
                "mean error, v1 4.00 km [1.74, 6.26]",
                "mean error, shadow v2 4.00 km [-0.08, 8.08]",
                "difference, shadow - v1 0.00 km [-1.96, 1.96] (paired by image)",
                "accuracy, v1 33.3 % [6.1, 79.2]",
                "accuracy, shadow v2 66.7 % [20.8, 93.9]");
        assertThat(printed).contains("la-street: shadow v2 against v3", "images compared 1\n",
                "agreement 100.0 % [20.7, 100.0]", "mean error, v3 1.00 km [no interval from one image]");
        assertThat(printed.indexOf("against v1")).isLessThan(printed.indexOf("against v3"));
    }

    @Test
    void nothingToCompareExitsOneAndSaysWhy() throws Exception {
        send(List.of(prediction(predictions, "a", "la-street", new Answer(1, "r1", null, null))));

        assertThat(compare("--model-name", "la-street")).isEqualTo(1);

        assertThat(err.toString()).contains("compare: nothing to compare: no image of la-street is on both "
                + predictions + " (1 of its images) and " + shadows + " (0)", "trainer publish --shadow");
    }

    @Test
    void aMissingTopicFails() {
        assertThat(compare("--model-name", "la-street", "--shadow-topic", "no-such-topic")).isEqualTo(1);

        assertThat(err.toString()).contains("compare failed: Topic no-such-topic does not exist");
    }

    @Test
    void isASubcommandOfTheTrainerWithHelp() {
        CommandLine trainer = TrainerCommand.commandLine();
        trainer.setOut(new PrintWriter(out));
        assertThat(trainer.execute("compare", "--help")).isZero();
        assertThat(out.toString()).contains("--model-name", "--predictions-topic", "--shadow-topic",
                "--bootstrap-servers", "Wilson", "normal approximation", "Exit codes:").doesNotContain("--topic=");
    }

    private int compare(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url",
                stack.schemaRegistryUrl()));
        if (!all.contains("--shadow-topic")) {
            all.addAll(List.of("--shadow-topic", shadows));
        }
        all.addAll(List.of("--predictions-topic", predictions));
        CommandLine line = new CommandLine(new CompareCommand());
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        return line.execute(all.toArray(String[]::new));
    }

    /** A prediction as a processor writes it, keyed by its image id, with the fields compare reads from {@code answer}. */
    private ProducerRecord<byte[], byte[]> prediction(String topic, String image, String model, Answer answer) {
        RegionScore predicted = new RegionScore(answer.regionId(), "Region " + answer.regionId(), 0.6);
        RegionPrediction prediction = RegionPrediction.newBuilder()
                .setImageId(image).setModelName(model).setModelVersion(answer.version())
                .setTopRegions(List.of(predicted)).setPredictedRegion(predicted)
                .setEstimatedLocation(new GeoPoint(34.05, -118.25)).setExpectedErrorKm(3.0)
                .setConfidenceRadiusKm(5.0).setConfidenceLevel(0.9).setBatchSize(8)
                .setQueueLatencyMs(1.0).setInferenceLatencyMs(10.0).setEndToEndLatencyMs(12.0)
                .setProcessedTime(Instant.parse("2026-12-01T00:00:00Z"))
                .setTrueRegionId(answer.trueRegionId()).setActualErrorKm(answer.errorKm())
                .build();
        SpecificAvroSerde<RegionPrediction> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        return new ProducerRecord<>(topic, image.getBytes(StandardCharsets.UTF_8),
                serde.serializer().serialize(topic, prediction));
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get();
            }
        }
    }
}
