package dev.geoloc.processor.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.geoloc.contracts.versions.Canary;
import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.ManagementPort;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe.Output;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ModelState;
import dev.geoloc.schemas.ModelStatus;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RegionPrediction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Progressive delivery on the real broker, registry and libtorch, on labelled photos: a canary answers its share
 * of the images, chosen by their keys; a worse canary is rolled back by the processor on its own, with a signed
 * withdrawal; a shadow answers every image to the shadow topic only. Every image is answered once throughout.
 */
@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
@TestProfile(CanaryProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CanaryRolloutTest {

    private static TopicProbe probe;
    private static PublishedVersions versions;
    private static CanaryBundles bundles;

    private final URL metrics = ManagementPort.url("/q/metrics");

    @BeforeAll
    static void open() {
        probe = new TopicProbe();
        versions = new PublishedVersions(CanaryProfile.MODEL);
        bundles = CanaryBundles.get();
    }

    @AfterAll
    static void close() throws InterruptedException {
        probe.close();
        versions.close();
    }

    /** Sends {@code count} photos labelled at the home region's centre; returns their ids (the records' keys). */
    private static List<String> streamLabelled(String prefix, int count) {
        LatLon home = RegionCatalog.losAngeles().center(CanaryBundles.HOME);
        List<String> ids = TopicProbe.ids(prefix, count);
        for (int i = 0; i < count; i++) {
            byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, new java.awt.Color(i % 256, 90, 30), TestImages.BLUE),
                    false);
            probe.sendAsync(TopicProbe.event(ids.get(i), photo, new GeoPoint(home.latitude(), home.longitude())));
        }
        return ids;
    }

    /** Every id has exactly one answer; returns the version that answered each, in the order of {@code ids}. */
    private static List<Integer> answeredOnce(List<String> ids) throws InterruptedException {
        probe.awaitPredictions(ids);
        Thread.sleep(500); // a second answer would arrive right behind the first
        for (String id : ids) {
            assertThat(probe.predictions(id)).as(id).hasSize(1);
            assertThat(probe.deadLetters(id)).as(id).isEmpty();
        }
        return ids.stream().map(id -> probe.predictions(id).get(0).value().getModelVersion()).toList();
    }

    @Test
    @Order(1)
    void aCanaryAnswersTheShareOfImagesItsKeysChoose() throws Exception {
        // Given v1 stable, when v2 is published as a 20 % canary
        ModelVersion published = versions.canary(2, bundles.homeAgain, 20);
        assertThat(versions.awaitStatus(2, ModelState.CANARY).getReason()).isEqualTo("20 % of images");

        // and 400 labelled photos stream
        List<String> ids = streamLabelled("canary-share", 400);
        List<Integer> answeredBy = answeredOnce(ids);

        // Then v2 answers 20 % of them, give or take 5 points, and exactly the ones whose key hash it takes
        long byCanary = answeredBy.stream().filter(v -> v == 2).count();
        System.out.printf("The 20 %% canary answered %d of %d images%n", byCanary, ids.size());
        assertThat(byCanary / (double) ids.size()).isBetween(0.15, 0.25);
        Canary share = new Canary(null, 20);
        for (int i = 0; i < ids.size(); i++) {
            boolean taken = share.takes(Utils.murmur2(ids.get(i).getBytes(StandardCharsets.UTF_8)));
            assertThat(answeredBy.get(i)).as(ids.get(i)).isEqualTo(taken ? 2 : 1);
        }
        // and, as good as v1, it is not rolled back
        assertThat(versions.count(2, ModelState.ROLLED_BACK)).isZero();
        assertThat(get(metrics)).contains("geoloc_version_predictions_total{model=\"canary-test\",role=\"canary\",version=\"2\"}",
                "geoloc_version_error_km_count{model=\"canary-test\",role=\"stable\",version=\"1\"}");
        // and what serves names the artifact by the digest it was published with, as trainer versions prints it
        assertThat(get(metrics)).containsPattern("geoloc_model_info\\{bundle_sha256=\"[0-9a-f]{64}\",device=\"cpu\","
                + "model=\"canary-test\",role=\"canary\",sha256=\"" + published.getSha256() + "\",version=\"2\"\\} 1\\.0");
    }

    @Test
    @Order(2)
    void aWorseCanaryIsRolledBackAutomaticallyLosingAndDoublingNothing() throws Exception {
        // Given v3, which answers the region farthest from where every photo was taken, published as a canary
        versions.canary(3, bundles.far, 20);
        versions.awaitStatus(3, ModelState.CANARY);

        // When labelled photos stream until it has been judged
        List<String> ids = streamLabelled("canary-worse", 500);

        // Then the processor rolls it back, saying why, and withdraws it with its own key
        ModelStatus rolledBack = versions.awaitStatus(3, ModelState.ROLLED_BACK);
        assertThat(rolledBack.getReason()).startsWith("rolled back automatically: its mean error on");
        versions.awaitStatus(3, ModelState.RETIRED);
        // and every photo was answered once, by v1 or v3, and after the rollback by v1 alone
        assertThat(answeredOnce(ids)).containsOnly(1, 3).contains(3);
        assertThat(answeredOnce(streamLabelled("canary-after", 100))).containsOnly(1);
        assertThat(get(metrics)).contains("geoloc_rollout_rollbacks_total 1.0");
        assertThat(versions.count(3, ModelState.ACTION_REFUSED)).as("the withdrawal verifies by the rollback key")
                .isZero();
    }

    @Test
    @Order(3)
    void aShadowAnswersEveryImageToTheShadowTopicOnly() throws Exception {
        // Given v4, which answers unlike v1, published as a shadow
        versions.shadow(4, bundles.far);
        versions.awaitStatus(4, ModelState.SHADOW);

        // When photos stream
        List<String> ids = streamLabelled("shadow", 100);

        // Then v1 answers every one on the predictions topic, and v4 every one on the shadow topic
        assertThat(answeredOnce(ids)).containsOnly(1);
        List<Output<RegionPrediction>> shadowed = probe.awaitShadowPredictions(ids);
        assertThat(shadowed).extracting(o -> o.value().getModelVersion()).containsOnly(4);
        assertThat(shadowed).extracting(o -> o.value().getPredictedRegion().getRegionId())
                .containsOnly(RegionCatalog.losAngeles().region(bundles.farRegion).id());
        assertThat(probe.predictionKeys().stream().map(probe::predictions).flatMap(List::stream)
                .map(o -> o.value().getModelVersion()).collect(Collectors.toSet())).doesNotContain(4);
        assertThat(get(metrics)).contains("geoloc_shadow_comparisons_total{answer_version=\"1\",model=\"canary-test\","
                + "outcome=\"disagree\",shadow_version=\"4\"} 100.0");
    }

    private String get(URL url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
