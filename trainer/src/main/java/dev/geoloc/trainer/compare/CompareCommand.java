package dev.geoloc.trainer.compare;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.geoloc.contracts.Topics;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.trainer.publish.KafkaConnectionOptions;
import dev.geoloc.trainer.publish.KafkaSettings;
import dev.geoloc.trainer.publish.TopicReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code geoloc-trainer compare}: a shadow version against the version that answered, on the same images. */
@Command(name = "compare",
        sortOptions = false,
        description = {
                "Compares a model's shadow version with the version that answered the same images: reads the "
                        + "predictions and shadow predictions topics to their end (read_committed), keeps the model's "
                        + "predictions, pairs them by image_id (an image answered more than once by its last answers), "
                        + "and prints, for each pair of versions: the images compared; how often both predicted the "
                        + "same region; and on images with ground truth, each version's mean error, the paired mean "
                        + "difference of their errors (shadow minus answering version: below 0, the shadow is closer) "
                        + "and each version's accuracy (predicted region = true region).",
                "",
                "Each figure has its 95 % interval: Wilson's for agreement and accuracy; for the means and the paired "
                        + "difference, the normal approximation (mean ± 1.96 standard errors), fair for the hundreds "
                        + "of images a comparison usually has and optimistic for a handful. An interval of the "
                        + "difference that excludes 0 says the versions' errors differ.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:compared",
                "1:nothing to compare (no image of the model on both topics), or failed: Kafka or the registry could "
                        + "not be reached, or a topic does not exist",
                "2:wrong usage"})
public final class CompareCommand implements Callable<Integer> {

    private static final String LINE = "  %-26s %s%n";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-name", required = true, paramLabel = "NAME", description = "Model line to compare in.")
    String modelName;

    @Option(names = "--predictions-topic", paramLabel = "TOPIC", defaultValue = Topics.REGION_PREDICTIONS,
            description = "The predictions that went out (default: ${DEFAULT-VALUE}).")
    String predictionsTopic;

    @Option(names = "--shadow-topic", paramLabel = "TOPIC", defaultValue = Topics.SHADOW_PREDICTIONS,
            description = "The shadow version's predictions (default: ${DEFAULT-VALUE}).")
    String shadowTopic;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KafkaSettings settings = kafka.settings();
        return kafka.run("compare", () -> {
            try (SpecificAvroSerde<RegionPrediction> serde = new SpecificAvroSerde<>()) {
                serde.configure(settings.serde(), false);
                TopicReader reader = new TopicReader(settings);
                Map<String, Answer> answers = read(reader, serde, predictionsTopic, "Create it as "
                        + "deployment/topics.conf says; processors write their predictions there.");
                Map<String, Answer> shadows = read(reader, serde, shadowTopic, "Create it as deployment/topics.conf "
                        + "says; processors write a shadow version's predictions there (trainer publish --shadow).");
                List<ShadowComparison> comparisons = ShadowComparison.join(answers, shadows);
                if (comparisons.isEmpty()) {
                    err.printf("compare: nothing to compare: no image of %s is on both %s (%d of its images) and %s "
                                    + "(%d); is a shadow version running? (trainer publish --shadow)%n", modelName,
                            predictionsTopic, answers.size(), shadowTopic, shadows.size());
                    return 1;
                }
                comparisons.forEach(comparison -> print(out, comparison));
                return 0;
            }
        });
    }

    /** The model's predictions on {@code topic}, by image id; an image answered more than once by its last answer. */
    private Map<String, Answer> read(TopicReader reader, SpecificAvroSerde<RegionPrediction> serde, String topic,
                                     String missing) {
        Map<String, Answer> answers = new HashMap<>();
        reader.readToEnd(topic, new ByteArrayDeserializer(), serde.deserializer(), missing, record -> {
            RegionPrediction prediction = record.value();
            if (prediction != null && prediction.getModelName().equals(modelName)) {
                answers.put(prediction.getImageId(), Answer.of(prediction));
            }
        });
        return answers;
    }

    private void print(PrintWriter out, ShadowComparison c) {
        String answering = "v" + c.answerVersion();
        String shadow = "shadow v" + c.shadowVersion();
        out.printf("%s: %s against %s, the version that answered (%s and %s; 95 %% intervals in brackets)%n",
                modelName, shadow, answering, predictionsTopic, shadowTopic);
        out.printf(LINE, "images compared", c.images());
        out.printf(LINE, "agreement", percent(c.agreement()) + " (same predicted region)");
        if (c.labelled() == 0) {
            out.printf(LINE, "labelled images", "0: no event carried ground truth, so no errors to compare");
            return;
        }
        out.printf(LINE, "labelled images", c.labelled());
        out.printf(LINE, "mean error, " + answering, kilometres(c.answerError()));
        out.printf(LINE, "mean error, " + shadow, kilometres(c.shadowError()));
        out.printf(LINE, "difference, shadow - " + answering, kilometres(c.difference()) + " (paired by image)");
        out.printf(LINE, "accuracy, " + answering, percent(c.answerAccuracy()));
        out.printf(LINE, "accuracy, " + shadow, percent(c.shadowAccuracy()));
    }

    private static String percent(Proportion p) {
        return String.format(Locale.ROOT, "%.1f %% %s", 100 * p.share(), p.wilson95().format(100, 1));
    }

    private static String kilometres(SampleMean m) {
        return String.format(Locale.ROOT, "%.2f km %s", m.mean(),
                m.interval95().map(i -> i.format(1, 2)).orElse("[no interval from one image]"));
    }
}
