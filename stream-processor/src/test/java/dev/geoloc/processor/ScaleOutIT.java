package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * Scale-out on one consumer group, for real: two packaged processors share the input partitions while a steady
 * stream of uploads flows. The second joins mid-stream, takes events, and leaves again; every image is answered
 * exactly once, and the first instance stays ready through both rebalances (readiness that required RUNNING
 * went DOWN on every member at each one).
 */
class ScaleOutIT {

    private static final Pattern EVENTS_IN = Pattern.compile("(?m)^geoloc_events_in_total(?:\\{[^}]*})? ([0-9.eE+]+)$");
    private static final int EVENTS_PER_SECOND = 40;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aSecondInstanceJoinsAndLeavesMidStreamWithoutLossDuplicatesOrAnUnreadyFirst() throws Exception {
        // Given a steady stream of uploads, and a first instance serving it alone
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Path work = Files.createDirectories(Path.of("target", "scale-out-test").toAbsolutePath());
        long run = System.nanoTime();
        // Dynamic membership (no instance id), so that joining and leaving each rebalance the group; a short
        // session, so that the leaver's partitions come back within seconds.
        Map<String, String> settings = Map.of("geoloc.batching.max-size", "8",
                "kafka-streams.session.timeout.ms", "6000");
        Map<String, String> dynamicMembership = new HashMap<>();
        dynamicMembership.put("GEOLOC_INSTANCE_ID", null);
        List<String> sent = new CopyOnWriteArrayList<>();
        AtomicBoolean uploading = new AtomicBoolean(true);
        try (TopicProbe probe = new TopicProbe();
             ProcessorProcess first = ProcessorProcess.start(stack, StreamingStackResource.testBundle(),
                     work.resolve("state-first-" + run), work.resolve("first.log"), settings, dynamicMembership)) {
            Thread uploads = new Thread(() -> upload(probe, sent, uploading), "uploads");
            uploads.start();
            int firstPort = awaitPort(first);
            first.awaitOrFail(() -> isReady(firstPort) && probe.outputCount() > 0, 180, "the first instance ready and answering",
                    () -> "");
            ReadinessWatch watch = ReadinessWatch.start(http, firstPort);

            // When a second instance joins the group mid-stream and takes events
            Path firstLog = work.resolve("first.log");
            int rebalancesWhileJoined;
            Path secondTemporary;
            try (ProcessorProcess second = ProcessorProcess.start(stack, StreamingStackResource.testBundle(),
                    work.resolve("state-second-" + run), work.resolve("second.log"), settings, dynamicMembership)) {
                int secondPort = awaitPort(second);
                second.awaitOrFail(() -> eventsIn(secondPort) > 0, 180, "the second instance taking events",
                        () -> "first answered " + probe.outputCount());
                rebalancesWhileJoined = rebalances(firstLog);
                secondTemporary = second.temporaryDirectory();
                // and leaves again, as a scaled-in pod does (SIGTERM), while uploads go on
            }
            first.awaitOrFail(() -> rebalances(firstLog) > rebalancesWhileJoined, 60,
                    "the first instance's rebalance that takes the leaver's partitions back", () -> "");
            Thread.sleep(3000);
            uploading.set(false);
            uploads.join();
            first.awaitOrFail(() -> sent.stream().allMatch(id -> probe.outputsFor(id) > 0), 180, "every upload answered",
                    () -> "unanswered: " + sent.stream().filter(id -> probe.outputsFor(id) == 0).limit(20).toList());
            Thread.sleep(2000); // anything doubled would be committed by now
            watch.stop();

            // Then each upload has exactly one committed prediction, though its partition moved twice
            for (String id : sent) {
                assertThat(probe.predictions(id)).as(id).hasSize(1);
                assertThat(probe.deadLetters(id)).as(id).isEmpty();
            }
            // and the first instance went through both rebalances without once being unready
            assertThat(rebalancesWhileJoined).as("rebalances of the first instance as the second joined").isPositive();
            assertThat(watch.checks()).as("readiness checks during the rebalances").isGreaterThan(10);
            assertThat(watch.unready()).as("readiness answers that were not UP").isEmpty();
            // and the leaver took its directory for artifact downloads with it
            try (Stream<Path> left = Files.list(secondTemporary)) {
                assertThat(left.map(path -> path.getFileName().toString()))
                        .noneMatch(name -> name.startsWith("geoloc-artifacts-"));
            }
        }
    }

    /** Sends uploads at a steady rate until told to stop, recording each id sent. */
    private static void upload(TopicProbe probe, List<String> sent, AtomicBoolean uploading) {
        long started = System.nanoTime();
        for (int i = 0; uploading.get(); i++) {
            String id = "scale-" + started + "-" + i;
            byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, new Color(i % 256, 80, 160), TestImages.GREEN), false);
            probe.send(TopicProbe.event(id, photo, null));
            sent.add(id);
            long due = started + (i + 1) * 1_000_000_000L / EVENTS_PER_SECOND;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** How often the instance's Kafka Streams went from RUNNING into a rebalance, by its log. */
    private static int rebalances(Path log) {
        try {
            Matcher transitions = Pattern.compile("State transition from RUNNING to REBALANCING").matcher(Files.readString(log));
            int count = 0;
            while (transitions.find()) {
                count++;
            }
            return count;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static int awaitPort(ProcessorProcess process) throws InterruptedException {
        process.awaitOrFail(() -> process.managementPort().isPresent(), 180, "the management port listening", () -> "");
        return process.managementPort().getAsInt();
    }

    private boolean isReady(int port) {
        return status(port, "/q/health/ready") == 200;
    }

    private int status(int port, String path) {
        try {
            return http.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private double eventsIn(int port) {
        try {
            Matcher value = EVENTS_IN.matcher(http.send(request(port, "/q/metrics"), HttpResponse.BodyHandlers.ofString()).body());
            return value.find() ? Double.parseDouble(value.group(1)) : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
    }

    /** Polls one instance's readiness every 100 ms on a thread of its own, keeping each answer that was not UP. */
    private static final class ReadinessWatch {
        private final List<String> unready = new CopyOnWriteArrayList<>();
        private final AtomicBoolean watching = new AtomicBoolean(true);
        private final Thread thread;
        private volatile int checks;

        private ReadinessWatch(HttpClient http, int port) {
            thread = new Thread(() -> {
                while (watching.get()) {
                    try {
                        HttpResponse<String> answer = http.send(request(port, "/q/health/ready"), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() != 200) {
                            unready.add(answer.statusCode() + " " + answer.body());
                        }
                        checks++;
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        unready.add("no answer: " + e);
                    }
                }
            }, "readiness-watch");
        }

        static ReadinessWatch start(HttpClient http, int port) {
            ReadinessWatch watch = new ReadinessWatch(http, port);
            watch.thread.start();
            return watch;
        }

        void stop() throws InterruptedException {
            watching.set(false);
            thread.join(10_000);
        }

        int checks() {
            return checks;
        }

        List<String> unready() {
            return unready;
        }
    }
}
