package dev.geoloc.processor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.stack.StreamingStack;

/**
 * bench/python-reference/reference_consumer.py, the consumer a user would write instead of the processor, as a
 * child process on the benchmark's stack: its own input and output topics, its answers read back with
 * read_committed, as the processor's are.
 */
final class PythonReference implements AutoCloseable {

    static final String EVENTS = "bench-python-events";
    static final String PREDICTIONS = "bench-python-predictions";
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("..", "bench", "python-reference", "reference_consumer.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final Map<String, ProcessorBenchmark.Arrival> arrivals = new ConcurrentHashMap<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger records = new java.util.concurrent.atomic.AtomicInteger();

    /** What the reference answered for one image: the most probable region and its probability. */
    record Answer(String regionId, double probability) {
    }
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private final Thread reader;

    private PythonReference(Process process, Path log, StreamingStack stack) {
        this.process = process;
        this.log = log;
        this.reader = new Thread(() -> read(stack), "python-reference-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Creates the reference's topics, partitioned as the processor's, and starts it on the bundle's model. */
    static PythonReference start(StreamingStack stack, Path bundle, int partitions, int batch, Duration maxDelay, Path log)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            throw new IllegalStateException("--against-python needs Debian's /usr/bin/python3 with python3-torch, "
                    + "python3-opencv and python3-confluent-kafka (./geoloc test installs them)");
        }
        stack.createTopics(new NewTopic(EVENTS, partitions, (short) 1)
                        .configs(Map.of("max.message.bytes", String.valueOf(10 * 1024 * 1024))),
                new NewTopic(PREDICTIONS, partitions, (short) 1));
        Process process = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(),
                "--bootstrap", stack.bootstrapServers(), "--registry", stack.schemaRegistryUrl(),
                "--bundle", bundle.toString(), "--input", EVENTS, "--output", PREDICTIONS,
                "--group", "python-reference-" + System.nanoTime(), "--batch", String.valueOf(batch),
                "--max-delay-ms", String.valueOf(maxDelay.toMillis()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log).lines().anyMatch("ready"::equals)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the Python reference did not start; its output:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return new PythonReference(process, log, stack);
    }

    long pid() {
        return process.pid();
    }

    /** The answers to {@code ids}, waiting up to 5 minutes for the last of them. */
    List<ProcessorBenchmark.Arrival> await(List<String> ids) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!ids.stream().allMatch(arrivals::containsKey)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(ids.stream().filter(id -> !arrivals.containsKey(id)).count() + " of "
                        + ids.size() + " answers missing from the Python reference; its output:\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
        List<ProcessorBenchmark.Arrival> answers = new ArrayList<>(ids.size());
        ids.forEach(id -> answers.add(arrivals.get(id)));
        return answers;
    }

    private void read(StreamingStack stack) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "python-reference-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(PREDICTIONS));
            while (reading.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    JsonNode answer = JSON.readTree(record.value().getBytes(StandardCharsets.UTF_8));
                    records.incrementAndGet();
                    answers.put(record.key(), new Answer(answer.path("region_id").asText(), answer.path("probability").asDouble()));
                    arrivals.put(record.key(), new ProcessorBenchmark.Arrival(System.currentTimeMillis(),
                            answer.path("upload_time_ms").asDouble(), answer.path("processed_time_ms").asDouble(),
                            answer.path("batch_size").asInt()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("an answer of the Python reference is not JSON", e);
        }
    }

    Answer answer(String id) {
        return answers.get(id);
    }

    /** Answers read so far, duplicates included. */
    int records() {
        return records.get();
    }

    /** SIGTERM: the reference aborts its open transaction and prints what it did. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        reading.set(false);
        reader.join(5000);
    }
}
