package dev.geoloc.processor.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.ManagementPort;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.schemas.GeoPoint;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
class HealthAndMetricsTest {

    /** A metric name in PromQL: ours and Kafka's clients' (labels and functions never start so). */
    /** The module runs from stream-processor. */
    private static final Path OBSERVABILITY = Path.of("..", "deployment", "observability");
    private static final Pattern METRIC_NAME = Pattern.compile("\\b(?:geoloc|kafka)_[a-z0-9_]+\\b");

    private final URL ready = ManagementPort.url("/q/health/ready");
    private final URL live = ManagementPort.url("/q/health/live");
    private final URL metrics = ManagementPort.url("/q/metrics");

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(URL url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessNamesTheModelOnceStreamsRuns() throws Exception {
        JsonNode check = awaitReady();

        assertThat(check.at("/data/streams_state").asText()).isEqualTo("RUNNING");
        assertThat(check.at("/data/streams_state_seconds").isIntegralNumber()).isTrue();
        assertThat(check.at("/data/model_name").asText()).isEqualTo("test-model");
        assertThat(check.at("/data/bundle_sha256").asText()).hasSize(64);
        assertThat(check.at("/data/device").asText()).startsWith("cpu");
        assertThat(check.at("/data/encoder_precision").asText()).isEqualTo("fp32");
    }

    @Test
    void livenessCoversStreamsAndTheInferenceThread() throws Exception {
        HttpResponse<String> response = get(live);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode check = new ObjectMapper().readTree(response.body()).at("/checks/0");
        assertThat(check.at("/name").asText()).isEqualTo("geoloc-processor-live");
        assertThat(check.at("/data/inference_thread").asText()).isEqualTo("running");
    }

    @Test
    void prometheusCountsPredictionsBatchesAndDeadLetters() throws Exception {
        awaitReady();
        String before = get(metrics).body();
        try (TopicProbe probe = new TopicProbe()) {
            probe.send(TopicProbe.event("metrics-good", TestImages.jpeg(TestImages.bands(64, 64, TestImages.RED), false), null));
            probe.sendBytes("metrics-bad", new byte[] {9, 9, 9});
            probe.awaitPrediction("metrics-good");
            probe.awaitDeadLetter("metrics-bad");
        }

        String text = get(metrics).body();

        // Other test classes share the application: compare with what the counters said before.
        assertThat(counter(text, "geoloc_events_in_total")).isGreaterThanOrEqualTo(counter(before, "geoloc_events_in_total") + 2);
        assertThat(counter(text, "geoloc_predictions_out_total"))
                .isGreaterThanOrEqualTo(counter(before, "geoloc_predictions_out_total") + 1);
        String notWire = "geoloc_dead_letters_total{code=\"NOT_WIRE_FORMAT\"}";
        assertThat(counter(text, notWire)).isGreaterThanOrEqualTo(counter(before, notWire) + 1);
        assertThat(text).contains("geoloc_batch_size_count", "geoloc_queue_wait_seconds_bucket")
                .containsPattern("geoloc_model_version [0-9]");
        // Each latency by the version that answered, in the fixed buckets from 5 ms to 300 s
        String version = "model=\"[^\"]+\",version=\"[0-9]+\"";
        for (String timer : List.of("geoloc_inference_seconds", "geoloc_end_to_end_seconds", "geoloc_processing_seconds")) {
            assertThat(text).containsPattern(timer + "_bucket\\{" + version + ",le=\"0\\.005\"\\}")
                    .containsPattern(timer + "_bucket\\{" + version + ",le=\"300\\.0\"\\}")
                    .containsPattern(timer + "_count\\{" + version + "\\} [1-9]");
        }
        assertThat(text).containsPattern("geoloc_version_latency_seconds_bucket\\{[^}]*le=\"0\\.005\"\\}")
                .containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{client_id=\"[^\"]+-StreamThread-1-consumer\"");
        // What serves, and what waits
        // A bundle served from a path has no published artifact: its bundle digest alone
        assertThat(text).containsPattern("geoloc_model_info\\{bundle_sha256=\"[0-9a-f]{64}\",device=\"cpu\","
                        + "model=\"[^\"]+\",role=\"stable\",sha256=\"\",version=\"[0-9]+\"\\} 1\\.0")
                .containsPattern("geoloc_queue_depth [0-9]")
                .containsPattern("geoloc_decode_queue_depth [0-9]")
                .containsPattern("geoloc_decode_runaways 0")
                .containsPattern("geoloc_in_flight_bytes [0-9]");
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsServedAfterTraffic() throws Exception {
        // Given the PromQL of deployment/observability's Grafana dashboard and Prometheus alert rules
        Set<String> queried = new TreeSet<>();
        for (String query : Stream.concat(dashboardQueries().stream(), alertExpressions().stream()).toList()) {
            Matcher name = METRIC_NAME.matcher(query);
            while (name.find()) {
                queried.add(name.group());
            }
        }
        assertThat(queried).as("metrics queried").contains("geoloc_ready", "geoloc_model_failing",
                "geoloc_version_error_km_sum", "kafka_consumer_fetch_manager_records_lag_max");

        // When labelled, unlabelled and broken events have been answered
        awaitReady();
        sendLabelledPlainAndBroken("dashboard");
        String text = get(metrics).body();

        // Then /q/metrics serves a series of each, and this instance counts itself ready
        Set<String> served = new TreeSet<>();
        text.lines().filter(line -> !line.startsWith("#")).forEach(line -> served.add(line.split("[{ ]", 2)[0]));
        assertThat(served).as("series in /q/metrics").containsAll(queried);
        assertThat(text).contains("geoloc_ready 1.0", "geoloc_model_failing 0.0");
    }

    @Test
    void aRealPrometheusScrapingTheProcessorFillsEveryPanelAndEvaluatesEveryAlert() throws Exception {
        // Given Debian's Prometheus scraping this processor every second, with the alert rules loaded
        awaitReady();
        try (LocalPrometheus prometheus = LocalPrometheus.scraping(metrics, OBSERVABILITY.resolve("prometheus/alerts.yml"))) {
            prometheus.awaitScrapeAfterNow();

            // When two waves of labelled, unlabelled and broken events are answered, each wave scraped after it
            // (a rate needs a counter to grow between two samples of the window)
            for (String wave : List.of("prometheus-1", "prometheus-2")) {
                sendLabelledPlainAndBroken(wave);
                prometheus.awaitScrapeAfterNow();
            }

            // Then every dashboard query, as Grafana sends it, has a finite value: no panel says "No data"
            List<String> withoutData = new ArrayList<>();
            for (String panel : dashboardQueries()) {
                String query = panel.replace("$__rate_interval", "1m");
                assertThat(query).as("a Grafana variable the test does not fill").doesNotContain("$");
                JsonNode result = prometheus.query(query);
                if (!hasFiniteValue(result)) {
                    withoutData.add(query + " -> " + result);
                }
            }
            assertThat(withoutData).as("dashboard queries without data").isEmpty();

            // and every alert rule evaluates without error: a third of the events being dead letters makes the
            // dead-letter alert pending (its for is 10 minutes) once the rules have seen the last scrape, and
            // nothing else stirs on this healthy processor
            Map<String, String> states = alertStates(prometheus);
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!"pending".equals(states.get("GeolocDeadLetterRate")) && System.nanoTime() < deadline) {
                Thread.sleep(250);
                states = alertStates(prometheus);
            }
            assertThat(states).containsOnlyKeys(alertNames()).containsEntry("GeolocDeadLetterRate", "pending")
                    .containsEntry("GeolocNoReadyReplica", "inactive").containsEntry("GeolocModelFailing", "inactive")
                    .containsEntry("GeolocNoModel", "inactive").containsEntry("GeolocPartitionStalled", "inactive")
                    .containsEntry("GeolocLagGrowing", "inactive");
        }
    }

    /** Each alert rule's state (inactive, pending, firing), once it is seen to evaluate without error. */
    private static Map<String, String> alertStates(LocalPrometheus prometheus) throws Exception {
        Map<String, String> states = new TreeMap<>();
        for (JsonNode group : prometheus.ruleGroups()) {
            for (JsonNode rule : group.get("rules")) {
                assertThat(rule.get("health").asText()).as("%s: %s", rule.get("name"), rule.path("lastError"))
                        .isEqualTo("ok");
                states.put(rule.get("name").asText(), rule.get("state").asText());
            }
        }
        return states;
    }

    /** One labelled, one unlabelled and one broken event, each answered. */
    private static void sendLabelledPlainAndBroken(String prefix) throws Exception {
        try (TopicProbe probe = new TopicProbe()) {
            probe.send(TopicProbe.event(prefix + "-labelled", TestImages.jpeg(TestImages.bands(64, 64, TestImages.RED), false),
                    new GeoPoint(34.0453, -118.2517)));
            probe.send(TopicProbe.event(prefix + "-plain", TestImages.jpeg(TestImages.bands(64, 64, TestImages.GREEN), false), null));
            probe.sendBytes(prefix + "-broken", new byte[] {9, 9, 9});
            probe.awaitPrediction(prefix + "-labelled");
            probe.awaitPrediction(prefix + "-plain");
            probe.awaitDeadLetter(prefix + "-broken");
        }
    }

    private static List<String> dashboardQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        new ObjectMapper().readTree(OBSERVABILITY.resolve("grafana/dashboards/geoloc-processor.json").toFile())
                .findValues("expr").forEach(expr -> queries.add(expr.asText()));
        return queries;
    }

    private static List<String> alertExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        alertRules().findValues("expr").forEach(expr -> expressions.add(expr.asText()));
        return expressions;
    }

    private static List<String> alertNames() throws IOException {
        List<String> names = new ArrayList<>();
        alertRules().findValues("alert").forEach(name -> names.add(name.asText()));
        return names;
    }

    private static JsonNode alertRules() throws IOException {
        return new YAMLMapper().readTree(OBSERVABILITY.resolve("prometheus/alerts.yml").toFile());
    }

    /** Whether a query's result vector holds at least one number that is not NaN or infinite. */
    private static boolean hasFiniteValue(JsonNode vector) {
        for (JsonNode series : vector) {
            String value = series.at("/value/1").asText();
            if (!value.equals("NaN") && !value.endsWith("Inf")) {
                return true;
            }
        }
        return false;
    }

    /** A counter's value in Prometheus text, 0 when absent. */
    private static double counter(String text, String series) {
        return text.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(line -> Double.parseDouble(
                line.substring(series.length() + 1).trim())).findFirst().orElse(0);
    }

    private JsonNode awaitReady() throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            HttpResponse<String> response = get(ready);
            if (response.statusCode() == 200 || System.nanoTime() > deadline) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                return new ObjectMapper().readTree(response.body()).at("/checks/0");
            }
            Thread.sleep(100);
        }
    }
}
