package dev.geoloc.trainer.send;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.geoloc.contracts.DeadLetterKeys;
import dev.geoloc.contracts.Topics;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.trainer.options.CatalogOption;
import dev.geoloc.trainer.options.DatasetOptions;
import dev.geoloc.trainer.publish.KafkaConnectionOptions;
import dev.geoloc.trainer.publish.KafkaSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code geoloc-trainer send}: a dataset's photos into the running system, as a platform uploads them. */
@Command(name = "send",
        sortOptions = false,
        description = {
                "Sends a dataset split's photos to image-events as a platform uploads them (inline, with their ground "
                        + "truth, a location's views marked as one panorama), at a steady rate, then waits for each "
                        + "photo's answer on region-predictions or dead-letters (read_committed) and prints, per model "
                        + "version that answered: predictions, accuracy, mean error and mean expected error. A check "
                        + "that a deployment answers, and a load to watch it under.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every photo sent got exactly one answer",
                "1:some photo got no answer within --answer-timeout or more than one, or failed: the dataset could "
                        + "not be read, or Kafka or the registry could not be reached",
                "2:wrong usage"})
public final class SendCommand implements Callable<Integer> {

    private static final int MAX_EVENT_BYTES = 11 * 1024 * 1024;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    DatasetOptions dataset;

    @CommandLine.Mixin
    CatalogOption catalog;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "The split whose photos to send: train, validation or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--count", paramLabel = "N",
            description = "How many photos to send, cycling through the split (default: each photo once).")
    Integer count;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "20",
            description = "Photos sent per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--answer-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the last answers after the last photo is sent (default: "
                    + "${DEFAULT-VALUE}).")
    int answerTimeoutSeconds;

    @Option(names = "--id-prefix", paramLabel = "PREFIX",
            description = "Image ids are PREFIX-0, PREFIX-1, ... (default: send-<seconds since the epoch>, new each run).")
    String idPrefix;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Split chosen;
        try {
            chosen = Split.fromLabel(split);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if ((count != null && count < 1) || !(rate > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count and --rate must be above 0");
        }
        Manifest manifest = dataset.manifest(catalog.regions());
        if (manifest.split(chosen).isEmpty()) {
            err.printf("send: the %s split of %s has no photos%n", chosen.label(), dataset.dataset());
            return 1;
        }
        int total = count == null ? manifest.split(chosen).size() : count;
        // Unique per run, so that two runs, even in one second, never count each other's answers.
        String prefix = idPrefix != null ? idPrefix
                : "send-" + System.currentTimeMillis() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        PhotoStream photos = new PhotoStream(manifest, chosen, 11, "geoloc-trainer-send", prefix);
        KafkaSettings settings = kafka.settings();
        return kafka.run("send", () -> {
            AnswerTally tally = new AnswerTally();
            AtomicReference<Exception> sendFailure = new AtomicReference<>();
            Map<String, Object> producerConfig = new HashMap<>(settings.producer("geoloc-trainer-send"));
            producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_EVENT_BYTES);
            try (SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                         new ByteArraySerializer());
                 KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumer("geoloc-trainer-send"),
                         new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                serde.configure(settings.serde(), false);
                AnswerTopics.readFromNow(consumer, List.of(Topics.REGION_PREDICTIONS, Topics.DEAD_LETTERS));
                Consumer<ConsumerRecord<byte[], byte[]>> answers = record -> {
                    Object value = record.value() == null ? null
                            : serde.deserializer().deserialize(record.topic(), record.value());
                    if (value instanceof RegionPrediction prediction) {
                        tally.prediction(prediction);
                    } else if (value instanceof DeadLetter letter) {
                        DeadLetterKeys.imageId(letter).ifPresent(id -> tally.deadLetter(id, letter));
                    }
                };
                long start = System.nanoTime();
                for (int n = 0; n < total && sendFailure.get() == null; n++) {
                    String id = prefix + "-" + n;
                    tally.sent(id, photos.photo(n).regionId());
                    producer.send(new ProducerRecord<>(Topics.IMAGE_EVENTS, id.getBytes(StandardCharsets.UTF_8),
                            serde.serializer().serialize(Topics.IMAGE_EVENTS, event(photos, n, id))),
                            (metadata, failure) -> {
                                if (failure != null) {
                                    sendFailure.compareAndSet(null, failure);
                                }
                            });
                    long due = start + (long) ((n + 1) * 1e9 / rate);
                    while (System.nanoTime() < due) {
                        poll(consumer, Duration.ofMillis(Math.max(1, (due - System.nanoTime()) / 1_000_000)), answers);
                    }
                }
                producer.flush();
                if (sendFailure.get() != null) {
                    // A photo the broker refused (too large for the topic, say) would otherwise look unanswered.
                    err.printf("send failed: image-events refused a photo: %s%n", sendFailure.get().getMessage());
                    return 1;
                }
                double sendSeconds = (System.nanoTime() - start) / 1e9;
                out.printf(Locale.ROOT, "sent %d photos of the %s split of %s in %.1f s (%.1f/s) to %s%n", total,
                        chosen.label(), dataset.dataset(), sendSeconds, total / sendSeconds, Topics.IMAGE_EVENTS);
                out.flush();
                long deadline = System.nanoTime() + Duration.ofSeconds(answerTimeoutSeconds).toNanos();
                while (tally.answered() < total && System.nanoTime() < deadline) {
                    poll(consumer, Duration.ofMillis(200), answers);
                }
                // Answers that come twice show up a little later than the first: a last look before counting.
                poll(consumer, Duration.ofSeconds(1), answers);
                return tally.report(out, err, (System.nanoTime() - start) / 1e9);
            }
        });
    }

    private static ImageEvent event(PhotoStream photos, int n, String id) {
        try {
            return photos.event(n, id);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the photo " + photos.photo(n).image() + ": " + e.getMessage(), e);
        }
    }

    private static void poll(KafkaConsumer<byte[], byte[]> consumer, Duration wait,
                             Consumer<ConsumerRecord<byte[], byte[]>> answers) {
        consumer.poll(wait).forEach(answers);
    }
}
