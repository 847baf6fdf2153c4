package dev.geoloc.processor.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.jboss.logging.Logger;

import dev.geoloc.processor.config.ProcessorConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.kafka.streams.runtime.KafkaStreamsProducer;
import io.quarkus.runtime.Startup;

/**
 * Notices a partition that stopped moving: records wait in it, and the group's committed offset has not changed
 * for {@code geoloc.watchdog.stall-after}. Kafka Streams itself stays RUNNING through such a stall (a record whose
 * answer the broker refuses fails its thread at every replacement; the registry answers nothing), so the state
 * alone says all is well. The committed offset is what a restarted instance would resume from: if it does not
 * move, nothing this instance does counts.
 *
 * <p>Only partitions this instance holds are judged, so one stuck partition makes one replica not ready, not all.
 * Offsets are read with an admin client, every {@code geoloc.watchdog.check-interval}, on a thread of its own.
 */
@Startup
@ApplicationScoped
public class ProgressWatchdog {

    private static final Logger LOG = Logger.getLogger(ProgressWatchdog.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

    /** A partition that has not moved: where it stands, how much waits behind, and for how long. */
    public record Stall(TopicPartition partition, long committedOffset, long waiting, Duration stalledFor) {

        public String describe() {
            return partition + " at offset " + committedOffset + " (" + waiting + " records waiting, no commit for "
                    + stalledFor.toSeconds() + " s)";
        }
    }

    /** The committed offset last seen, and since when it has stood there with records waiting. */
    private record Progress(long committed, long sinceMillis) {
    }

    private final KafkaStreams streams;
    private final String inputTopic;
    private final Duration checkInterval;
    private final Duration stallAfter;
    private final String groupId;
    private final Map<String, Object> adminConfig;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "geoloc-progress-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    /** The watchdog thread's alone. */
    private final Map<TopicPartition, Progress> progress = new HashMap<>();
    private Set<TopicPartition> watched = Set.of();
    private Admin admin;
    private volatile List<Stall> stalls = List.of();

    ProgressWatchdog(KafkaStreams streams, KafkaStreamsProducer producer, ProcessorConfig config, MeterRegistry metrics) {
        this.streams = streams;
        this.inputTopic = config.topics().imageEvents();
        this.checkInterval = config.watchdog().checkInterval();
        this.stallAfter = config.watchdog().stallAfter();
        StreamsConfig streamsConfig = producer.getStreamsConfig();
        this.groupId = streamsConfig.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        // The same connection and security settings Kafka Streams has, however they were given.
        this.adminConfig = streamsConfig.getAdminConfigs(groupId + "-progress-watchdog");
        Gauge.builder("geoloc.partitions.stalled", this, w -> w.stalls.size())
                .description("Input partitions held here whose committed offset has not moved for geoloc.watchdog.stall-after "
                        + "while records wait").register(metrics);
        Gauge.builder("geoloc.partitions.stall.seconds", this,
                        w -> w.stalls.stream().mapToLong(s -> s.stalledFor().toSeconds()).max().orElse(0))
                .description("How long the longest-stalled input partition held here has not moved").register(metrics);
    }

    @PostConstruct
    void start() {
        admin = Admin.create(adminConfig);
        timer.scheduleWithFixedDelay(this::checkQuietly, checkInterval.toMillis(), checkInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The partitions held here that have not moved, longest first; empty when all flow. */
    public List<Stall> stalls() {
        return stalls;
    }

    private void checkQuietly() {
        try {
            check(System.currentTimeMillis());
        } catch (Exception e) {
            // The broker cannot be asked: what was known stands until it can.
            LOG.debugf("Progress check failed: %s", e);
        }
    }

    private void check(long now) throws Exception {
        Set<TopicPartition> assigned = assignedInputPartitions();
        if (!assigned.isEmpty()) {
            watched = assigned; // a rebalance, or a failed thread being replaced, briefly shows none held
        }
        if (watched.isEmpty()) {
            stalls = List.of();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> end = offsets(OffsetSpec.latest());
        // Asked only while a partition has never committed: the start of the log is then where it stands.
        Map<TopicPartition, Long> start = watched.stream().allMatch(p -> committed.get(p) != null) ? Map.of()
                : offsets(OffsetSpec.earliest());
        List<Stall> found = new ArrayList<>();
        for (TopicPartition partition : watched) {
            OffsetAndMetadata commit = committed.get(partition);
            long position = commit != null ? commit.offset() : start.get(partition); // never committed: from the start
            long waiting = end.get(partition) - position;
            Progress last = progress.get(partition);
            if (waiting <= 0 || last == null || last.committed() != position) {
                progress.put(partition, new Progress(position, now));
                continue;
            }
            Duration still = Duration.ofMillis(now - last.sinceMillis());
            if (still.compareTo(stallAfter) >= 0) {
                found.add(new Stall(partition, position, waiting, still));
            }
        }
        progress.keySet().retainAll(watched);
        found.sort(Comparator.comparing(Stall::stalledFor).reversed());
        if (!found.isEmpty() && stalls.isEmpty()) {
            LOG.errorf("Input partitions are not moving: %s", found.stream().map(Stall::describe).toList());
        }
        stalls = List.copyOf(found);
    }

    /** Read committed: records of transactions still open or aborted are not waiting for anyone. */
    private Map<TopicPartition, Long> offsets(OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = watched.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
        return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private Set<TopicPartition> assignedInputPartitions() {
        Set<TopicPartition> held = new HashSet<>();
        try {
            streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task ->
                    task.topicPartitions().stream().filter(p -> p.topic().equals(inputTopic)).forEach(held::add)));
        } catch (RuntimeException notRunning) {
            // starting, or shutting down: nothing held
        }
        return held;
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
