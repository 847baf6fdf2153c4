package dev.geoloc.processor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.ProcessorProcess;
import dev.geoloc.processor.TestTopics;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * How long an instance's partitions go unserved when it is restarted. The packaged processor (its own process,
 * exactly-once, the built-in tiny CNN) serves a steady stream of events on the local stack; it is killed with
 * SIGKILL (a crash, an OOM kill) or stopped with SIGTERM (a rollout, {@code docker stop}), started again at once
 * on the same state directory, and the benchmark prints the seconds from the kill or SIGTERM to the first prediction
 * that the new process made, as a read_committed consumer reads it, per restart and as medians.
 *
 * <p>First with static membership (a fixed {@code GEOLOC_INSTANCE_ID}) and the shipped settings: several rounds
 * of each, then once a SIGTERM followed by leaving the group (what {@code KafkaStreams.close} with
 * {@code leaveGroup} does), for comparison. Then, as before static membership, once each: no instance id and
 * Kafka's default 45 s session timeout. Each part has its own application id and topics, so that none waits for
 * another's members. After each SIGKILL it also asks the broker whether the dead process left a transaction open
 * with records in the output topics, and when the broker aborted it: until then read_committed consumers of those
 * partitions read nothing newer.
 *
 * <p>Run: see docs/stream-processor.md, "Recovery time" ({@code mvn ... exec-maven-plugin:3.5.0:exec ...
 * RecoveryBenchmark 3}, after {@code mvn install -DskipTests}). Arguments: rounds of each kind (default 3);
 * {@code --rate=N} events per second (default 50); {@code --no-baseline} skips the comparison without static
 * membership; anything else is a processor setting, {@code key=value} (several may share one argument, separated
 * by spaces).
 */
public final class RecoveryBenchmark {

    private static final int DEFAULT_RATE = 50;
    /** How long the processor runs steadily between a restart and the next stop, so that each stop finds work in flight. */
    private static final Duration STEADY = Duration.ofSeconds(5);
    private static final Duration GIVE_UP = Duration.ofSeconds(180);
    private static final double TARGET_SECONDS = 10;
    private static final String INSTANCE_ID = "recovery-bench-0";
    private static final int PARTITIONS = 3;
    /** Quarkus logs Kafka's client configs at WARN and above only: log them, to show the ids the clients use. */
    private static final String CONFIG_LOG = "quarkus.log.category.\"org.apache.kafka.common.config.AbstractConfig\".level";
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    enum Stop {
        CRASH("kill -9"), CLEAN("SIGTERM"), CLEAN_LEAVE("SIGTERM, then leave the group");

        final String label;

        Stop(String label) {
            this.label = label;
        }
    }

    /**
     * One restart. Times in ms from the kill or SIGTERM: the old process gone, every task of the new one running
     * (its Kafka Streams client RUNNING, from its log; -1 if not found), its first prediction emitted (processed_time), that prediction read by a
     * read_committed consumer, a new prediction read from every partition; after a kill, when the broker aborted the
     * dead process's open transaction (0: none had records in the output topics; -1: not known).
     */
    record Restart(String membership, Stop stop, int round, long goneMs, long runningMs, long emittedMs, long visibleMs,
                   long everyPartitionMs, long abortedMs) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        int rate = DEFAULT_RATE;
        boolean baseline = true;
        Map<String, String> extra = new TreeMap<>();
        for (String arg : args) {
            for (String token : arg.trim().split("\\s+")) {
                if (token.isEmpty()) {
                    continue;
                }
                if (token.matches("\\d+")) {
                    rounds = Integer.parseInt(token);
                } else if (token.equals("--no-baseline")) {
                    baseline = false;
                } else if (token.startsWith("--rate=")) {
                    rate = Integer.parseInt(token.substring("--rate=".length()));
                } else {
                    String[] pair = token.split("=", 2);
                    if (pair.length != 2) {
                        throw new IllegalArgumentException("A processor setting is key=value, not " + token);
                    }
                    extra.put(pair[0], pair[1]);
                }
            }
        }
        Path work = Files.createDirectories(Path.of("target", "recovery-bench").toAbsolutePath());
        Path bundle = TestBundles.untrained(work.resolve("bundle-" + System.nanoTime()), "tiny-cnn",
                TestBundles.CLASSIFIER, RegionCatalog.losAngeles());
        StreamingStack stack = LocalStreamingStack.shared();

        List<Restart> restarts = new ArrayList<>();
        Map<String, String> settings = new TreeMap<>(Map.of("geoloc.model.device", "cpu", CONFIG_LOG, "INFO"));
        settings.putAll(extra);
        System.out.printf(Locale.ROOT, "Static membership: GEOLOC_INSTANCE_ID=%s, processor settings %s; %d events/s%n",
                INSTANCE_ID, settings, rate);
        List<Stop> order = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            order.add(Stop.CRASH);
            order.add(Stop.CLEAN);
        }
        order.add(Stop.CLEAN_LEAVE);
        restarts.addAll(part("static", stack, bundle, work, settings, Map.of("GEOLOC_INSTANCE_ID", INSTANCE_ID), order,
                rate));

        if (baseline) {
            Map<String, String> before = new TreeMap<>(settings);
            before.put("kafka-streams.session.timeout.ms", "45000");
            Map<String, String> noInstanceId = new HashMap<>();
            noInstanceId.put("GEOLOC_INSTANCE_ID", null);
            System.out.printf(Locale.ROOT, "%nAs before (dynamic membership): no GEOLOC_INSTANCE_ID, processor settings %s%n",
                    before);
            restarts.addAll(part("dynamic", stack, bundle, work, before, noInstanceId, List.of(Stop.CRASH, Stop.CLEAN),
                    rate));
        }
        print(restarts);
        System.exit(0);
    }

    /** One application id, its own topics and state directory; restarts the processor once per entry of order. */
    private static List<Restart> part(String membership, StreamingStack stack, Path bundle, Path work,
                                      Map<String, String> settings, Map<String, String> environment, List<Stop> order,
                                      int rate) throws Exception {
        String suffix = membership + "-" + System.currentTimeMillis();
        String applicationId = "geoloc-recovery-" + suffix;
        String events = "recovery-events-" + suffix;
        String predictions = "recovery-predictions-" + suffix;
        String deadLetters = "recovery-dead-letters-" + suffix;
        stack.createTopics(new NewTopic(events, PARTITIONS, (short) 1), new NewTopic(predictions, PARTITIONS, (short) 1),
                new NewTopic(deadLetters, PARTITIONS, (short) 1));
        TestTopics.createPanoramaTopics(stack);
        List<TopicPartition> outputs = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            outputs.add(new TopicPartition(predictions, p));
            outputs.add(new TopicPartition(deadLetters, p));
        }
        Map<String, String> all = new TreeMap<>(settings);
        all.put("quarkus.kafka-streams.application-id", applicationId);
        all.put("geoloc.topics.image-events", events);
        all.put("geoloc.topics.predictions", predictions);
        all.put("geoloc.topics.dead-letters", deadLetters);
        Path state = work.resolve("state-" + suffix);
        List<Restart> restarts = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
             Sender sender = new Sender(stack, events, rate);
             Reader reader = new Reader(stack, predictions)) {
            int start = 0;
            Path log = work.resolve(suffix + "-" + start + ".log");
            ProcessorProcess processor = ProcessorProcess.start(stack, bundle, state, log, all, environment);
            try {
                long firstStart = System.currentTimeMillis();
                reader.awaitEmittedAfter(firstStart, processor);
                System.out.printf(Locale.ROOT, "%s: first process serving after %.1f s; its clients: %s%n", membership,
                        (System.currentTimeMillis() - firstStart) / 1e3, clientSettings(log));
                Map<Stop, Integer> rounds = new HashMap<>();
                for (Stop stop : order) {
                    Thread.sleep(STEADY.toMillis());
                    int round = rounds.merge(stop, 1, Integer::sum);
                    String oldTransactionalId = logged(log, "transactional.id");
                    long stopped = System.currentTimeMillis();
                    CompletableFuture<Long> aborted = CompletableFuture.completedFuture(-1L);
                    if (stop == Stop.CRASH) {
                        processor.kill();
                        aborted = CompletableFuture.supplyAsync(() -> openTransactionAborted(admin, oldTransactionalId,
                                outputs, stopped));
                    } else if (processor.terminate(Duration.ofSeconds(60)).isEmpty()) {
                        throw new IllegalStateException("the processor did not stop within 60 s of SIGTERM; its log:\n"
                                + processor.logTail());
                    }
                    if (stop == Stop.CLEAN_LEAVE) {
                        // What KafkaStreams.close(new CloseOptions().leaveGroup(true)) does for static members.
                        admin.removeMembersFromConsumerGroup(applicationId, new RemoveMembersFromConsumerGroupOptions())
                                .all().get(30, TimeUnit.SECONDS);
                    }
                    long gone = System.currentTimeMillis();
                    start++;
                    log = work.resolve(suffix + "-" + start + ".log");
                    processor = ProcessorProcess.start(stack, bundle, state, log, all, environment);
                    Output first = reader.awaitEmittedAfter(gone, processor);
                    long everyPartition = reader.awaitEveryPartitionAfter(gone, processor);
                    long running = streamsRunning(log);
                    Restart restart = new Restart(membership, stop, round, gone - stopped,
                            running < 0 ? -1 : running - stopped, first.processedMillis() - stopped,
                            first.receivedMillis() - stopped, everyPartition - stopped, aborted.get());
                    restarts.add(restart);
                    System.out.printf(Locale.ROOT, "%s, %s #%d: old process gone after %.1f s, all tasks running at %.1f s,"
                                    + " first new prediction emitted at %.1f s, visible at %.1f s, on every partition at"
                                    + " %.1f s; %s; new transactional.id %s%n", membership, stop.label, round,
                            restart.goneMs() / 1e3, restart.runningMs() / 1e3, restart.emittedMs() / 1e3,
                            restart.visibleMs() / 1e3, restart.everyPartitionMs() / 1e3, describeAbort(restart),
                            logged(log, "transactional.id"));
                }
            } finally {
                processor.close();
            }
        }
        return restarts;
    }

    private static String describeAbort(Restart restart) {
        if (restart.stop() != Stop.CRASH) {
            return "no transaction left open (a clean close commits)";
        }
        if (restart.abortedMs() < 0) {
            return "the dead process's transaction could not be looked up";
        }
        return restart.abortedMs() == 0 ? "the dead process had no open transaction with records in the output topics"
                : String.format(Locale.ROOT, "its open transaction held output partitions until %.1f s",
                restart.abortedMs() / 1e3);
    }

    /**
     * After a kill: 0 if the dead producer had no open transaction with records in the output partitions, else when
     * the broker aborted it (ms after {@code killed}); -1 if that could not be found out.
     */
    private static long openTransactionAborted(Admin admin, String transactionalId, List<TopicPartition> outputs,
                                               long killed) {
        try {
            long producerId = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get(10, TimeUnit.SECONDS).producerId();
            boolean wasOpen = false;
            long deadline = System.currentTimeMillis() + GIVE_UP.toMillis();
            while (System.currentTimeMillis() < deadline) {
                boolean open = admin.describeProducers(outputs).all().get(10, TimeUnit.SECONDS).values().stream()
                        .flatMap(partition -> partition.activeProducers().stream())
                        .anyMatch(p -> p.producerId() == producerId && p.currentTransactionStartOffset().isPresent());
                if (!open) {
                    return wasOpen ? System.currentTimeMillis() - killed : 0;
                }
                wasOpen = true;
                Thread.sleep(100);
            }
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** When the process's Kafka Streams client first logged RUNNING, in epoch ms; -1 if it did not. */
    private static long streamsRunning(Path log) {
        try {
            for (String line : Files.readAllLines(log)) {
                if (line.contains("stream-client") && line.contains("State transition from REBALANCING to RUNNING")) {
                    return LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault())
                            .toInstant().toEpochMilli();
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The group and transaction settings that the process's Kafka clients logged. */
    private static String clientSettings(Path log) {
        StringBuilder found = new StringBuilder();
        for (String key : List.of("group.instance.id", "session.timeout.ms", "transactional.id", "transaction.timeout.ms")) {
            found.append(found.isEmpty() ? "" : ", ").append(key).append(" = ").append(logged(log, key));
        }
        return found.toString();
    }

    /**
     * The first value of a client setting that the process logged and that is not null (the stream thread's main
     * consumer or producer: its restore consumer has no instance id), else null.
     */
    private static String logged(Path log, String key) {
        try {
            Matcher m = Pattern.compile("\\s" + Pattern.quote(key) + " = (\\S*)").matcher(Files.readString(log));
            String value = "(not logged)";
            while (m.find()) {
                value = m.group(1);
                if (!value.equals("null")) {
                    break;
                }
            }
            return value;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void print(List<Restart> restarts) {
        System.out.println();
        System.out.println("Seconds from the kill or SIGTERM: the old process gone, all the new one's tasks running (Streams RUNNING), its"
                + " first prediction emitted (processed_time) and read by a read_committed consumer (visible), a new"
                + " prediction read from every partition, and the dead process's open transaction aborted (-: none open).");
        System.out.println("| Membership | Stop | Round | Old process gone | All tasks running | First new prediction emitted | Visible | Visible on every partition | Open transaction aborted |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Restart r : restarts) {
            String aborted = r.stop() != Stop.CRASH || r.abortedMs() == 0 ? "-"
                    : r.abortedMs() < 0 ? "?" : String.format(Locale.ROOT, "%.1f", r.abortedMs() / 1e3);
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s |%n", r.membership(),
                    r.stop().label, r.round(), r.goneMs() / 1e3, r.runningMs() / 1e3, r.emittedMs() / 1e3,
                    r.visibleMs() / 1e3, r.everyPartitionMs() / 1e3, aborted);
        }
        System.out.println();
        System.out.println("| Membership | Stop | Restarts | Median visible (s) | Max visible (s) | Median on every partition (s) | Target <= 10 s (median visible) |");
        System.out.println("|---|---|---:|---:|---:|---:|---|");
        for (String membership : List.of("static", "dynamic")) {
            for (Stop stop : Stop.values()) {
                List<Restart> these = restarts.stream().filter(r -> r.membership().equals(membership) && r.stop() == stop)
                        .toList();
                if (these.isEmpty()) {
                    continue;
                }
                double[] visible = these.stream().mapToDouble(r -> r.visibleMs() / 1e3).sorted().toArray();
                double[] every = these.stream().mapToDouble(r -> r.everyPartitionMs() / 1e3).sorted().toArray();
                double median = median(visible);
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %s |%n", membership, stop.label,
                        visible.length, median, visible[visible.length - 1], median(every),
                        median <= TARGET_SECONDS ? "met" : "missed");
            }
        }
    }

    private static double median(double[] sorted) {
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    record Output(int partition, long processedMillis, long receivedMillis) {
    }

    /** A steady stream of small photo events, {@code rate} per second, on its own thread. */
    private static final class Sender implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Sender(StreamingStack stack, String topic, int rate) {
            serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, TestImages.BLUE, TestImages.GREEN), false);
            thread = new Thread(() -> {
                long start = System.nanoTime();
                for (long n = 0; running.get(); n++) {
                    String id = topic + "-" + n;
                    producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), serde.serializer()
                            .serialize(topic, TopicProbe.event(id, photo, new GeoPoint(34.045, -118.25)))));
                    long wait = start + (n + 1) * 1_000_000_000L / rate - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "recovery-bench-sender");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
            producer.close();
        }
    }

    /** Reads predictions as a dashboard does: read_committed, noting when each arrived. */
    private static final class Reader implements AutoCloseable {
        private final List<Output> outputs = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Reader(StreamingStack stack, String topic) {
            SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
            serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "recovery-bench-reader-" + System.nanoTime());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    while (running.get()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                            long now = System.currentTimeMillis();
                            RegionPrediction prediction = (RegionPrediction) serde.deserializer().deserialize(topic,
                                    record.value());
                            outputs.add(new Output(record.partition(), prediction.getProcessedTime().toEpochMilli(), now));
                        }
                    }
                }
            }, "recovery-bench-reader");
            thread.setDaemon(true);
            thread.start();
        }

        /** The first prediction read (in arrival order) that was emitted at or after {@code millis}. */
        Output awaitEmittedAfter(long millis, ProcessorProcess processor) throws InterruptedException {
            long deadline = System.nanoTime() + GIVE_UP.toNanos();
            int seen = 0;
            while (System.nanoTime() < deadline) {
                for (int size = outputs.size(); seen < size; seen++) {
                    if (outputs.get(seen).processedMillis() >= millis) {
                        return outputs.get(seen);
                    }
                }
                if (!processor.isAlive()) {
                    throw new IllegalStateException("the processor ended; its log:\n" + processor.logTail());
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("no prediction within " + GIVE_UP.toSeconds() + " s; the processor's log:\n"
                    + processor.logTail());
        }

        /** When a prediction emitted at or after {@code millis} had been read from every partition (epoch ms). */
        long awaitEveryPartitionAfter(long millis, ProcessorProcess processor) throws InterruptedException {
            long deadline = System.nanoTime() + GIVE_UP.toNanos();
            while (System.nanoTime() < deadline) {
                Map<Integer, Long> first = new HashMap<>();
                for (Output output : outputs) {
                    if (output.processedMillis() >= millis) {
                        first.merge(output.partition(), output.receivedMillis(), Math::min);
                    }
                }
                if (first.size() == PARTITIONS) {
                    return first.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                }
                if (!processor.isAlive()) {
                    throw new IllegalStateException("the processor ended; its log:\n" + processor.logTail());
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("not every partition had a new prediction within " + GIVE_UP.toSeconds()
                    + " s; the processor's log:\n" + processor.logTail());
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }
}
