package dev.geoloc.processor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.batching.BatchPolicy;
import dev.geoloc.processor.batching.DynamicBatcher;
import dev.geoloc.processor.batching.InFlightBudget;
import dev.geoloc.processor.config.ProcessorConfig;
import dev.geoloc.processor.intake.DecodePool;
import dev.geoloc.processor.intake.ImageSource;
import dev.geoloc.processor.intake.IntakeLimits;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.ImageUri;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.RegionPrediction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The API's answers when the processor cannot answer: no model, a batch that never comes, a spent budget. */
class GeotaggerTest {

    @TempDir
    static Path dir;
    private static ServedModel model;
    private static final byte[] PHOTO = TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED, TestImages.BLUE), false);

    @BeforeAll
    static void loadModel() throws Exception {
        Path bundlePath = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER,
                RegionCatalog.losAngeles());
        try (ModelBundle bundle = ModelBundle.open(bundlePath)) {
            model = new ServedModel("api-test", 1, RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu")));
        }
    }

    @AfterAll
    static void closeModel() {
        model.predictor().close();
    }

    private record Api(int maxConcurrent, Duration timeout) implements ProcessorConfig.Api {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public Optional<String> token() {
            return Optional.empty();
        }

        @Override
        public int maxRequestBytes() {
            return 10 << 20;
        }

        @Override
        public Duration bodyTimeout() {
            return Duration.ofSeconds(10);
        }
    }

    /** The parts of a processor, around a batcher whose models come from {@code serving}. */
    private record Processor(Geotagger api, DynamicBatcher batcher, DecodePool decodes, ImageSource images)
            implements AutoCloseable {

        static Processor of(ModelHolder holder, Supplier<Optional<ServingSet>> serving, long budgetBytes, Api api) {
            return of(holder, serving, budgetBytes, api, uri -> new byte[0]);
        }

        static Processor of(ModelHolder holder, Supplier<Optional<ServingSet>> serving, long budgetBytes, Api api,
                            ImageSource.UriFetcher fetcher) {
            DynamicBatcher batcher = new DynamicBatcher(new BatchPolicy(8, Duration.ofMillis(5), 16), serving,
                    new PipelineMetrics(new SimpleMeterRegistry()));
            DecodePool decodes = new DecodePool(2, Duration.ofSeconds(10));
            ImageSource images = new ImageSource(fetcher, 1, 1, Duration.ofSeconds(1));
            return new Processor(new Geotagger(holder, batcher, decodes, images, new InFlightBudget(budgetBytes),
                    new IntakeLimits(4096, 1024, 65536, 16), api), batcher, decodes, images);
        }

        @Override
        public void close() {
            batcher.close();
            decodes.close();
            images.close();
        }
    }

    private static ImageEvent photo(String id) {
        return ImageEvent.newBuilder().setImageId(id).setUploadTime(Instant.now()).setSourcePlatform("test")
                .setMetadata(Map.of()).setContent(new InlineImage(ByteBuffer.wrap(PHOTO))).build();
    }

    private static ModelHolder serving() {
        ModelHolder holder = new ModelHolder(new SimpleMeterRegistry());
        holder.swap(ServingSet.of(model));
        return holder;
    }

    /** The models serving, given to the batcher only once {@code free} opens: its first batch waits until then. */
    private static Supplier<Optional<ServingSet>> heldUntil(CountDownLatch free, ModelHolder holder) {
        return () -> {
            try {
                free.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return holder.serving();
        };
    }

    private static ApiRefusal refusal(CompletableFuture<RegionPrediction> answer) {
        Throwable failed = catchThrowable(() -> answer.get(10, TimeUnit.SECONDS));
        assertThat(failed).as("the request was refused").isInstanceOf(ExecutionException.class);
        return Geotagger.refusalOf(failed.getCause()).refusal();
    }

    @Test
    void aRequestBeforeAnyModelIsLoadedIsUnavailableWithRetryAfter() {
        ModelHolder empty = new ModelHolder(new SimpleMeterRegistry());
        try (Processor processor = Processor.of(empty, empty::serving, 64 << 20, new Api(4, Duration.ofSeconds(5)))) {
            ApiRefusal refused = refusal(processor.api().geotag(photo("early")));

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.code()).isEqualTo(ApiRefusal.UNAVAILABLE);
            assertThat(refused.retryAfter()).contains(Duration.ofSeconds(5));
        }
    }

    @Test
    void aPredictionThatDoesNotComeWithinTheTimeoutIsUnavailableAndItsPlaceIsGivenBack() throws Exception {
        ModelHolder holder = serving();
        CountDownLatch modelFree = new CountDownLatch(1);
        // given a batch that never gets its model while the request waits
        try (Processor processor = Processor.of(holder, heldUntil(modelFree, holder), 64 << 20,
                new Api(1, Duration.ofMillis(300)))) {
            ApiRefusal refused = refusal(processor.api().geotag(photo("slow")));

            // then it is a 503 after the timeout, and its place among the concurrent requests is free again
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.reason()).contains("geoloc.api.timeout");
            modelFree.countDown();
            assertThat(processor.api().geotag(photo("after")).get(10, TimeUnit.SECONDS).getImageId()).isEqualTo("after");
        }
    }

    @Test
    void aSpentInFlightBudgetIsBusyAtOnce() throws Exception {
        ModelHolder holder = serving();
        CountDownLatch modelFree = new CountDownLatch(1);
        // given a budget that one image in flight spends, and that image waiting for its batch
        try (Processor processor = Processor.of(holder, heldUntil(modelFree, holder), 1 << 20,
                new Api(8, Duration.ofSeconds(10)))) {
            CompletableFuture<RegionPrediction> first = processor.api().geotag(photo("first"));

            // when a second comes
            ApiRefusal refused = refusal(processor.api().geotag(photo("second")));

            // then it is refused as busy, and the first is answered once the model is free
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.reason()).contains("geoloc.batching.max-in-flight-bytes");
            assertThat(refused.retryAfter()).contains(Duration.ofSeconds(1));
            modelFree.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).getImageId()).isEqualTo("first");
        }
    }

    @Test
    void anImageFetchedByUriTakesItsSizeFromTheBudgetOnceItHasCome() throws Exception {
        ModelHolder holder = serving();
        CountDownLatch modelFree = new CountDownLatch(1);
        // given a budget of 8 MiB, and a photo at a URI padded to 3 MiB (7 MiB in flight) waiting for its batch
        byte[] large = Arrays.copyOf(PHOTO, 3 << 20);
        CountDownLatch fetched = new CountDownLatch(1);
        try (Processor processor = Processor.of(holder, heldUntil(modelFree, holder), 8 << 20,
                new Api(8, Duration.ofSeconds(10)), uri -> {
                    fetched.countDown();
                    return large;
                })) {
            CompletableFuture<RegionPrediction> first = processor.api().geotag(byUri("https://photos.example/large.jpg"));
            assertThat(fetched.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(500); // for the fetch's continuation to take its bytes

            // when an inline photo comes
            ApiRefusal refused = refusal(processor.api().geotag(photo("inline")));

            // then it is refused as busy: the fetched photo holds its size, not an empty event's
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.reason()).contains("geoloc.batching.max-in-flight-bytes");
            modelFree.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).getImageId()).isEqualTo("https://photos.example/large.jpg");
        }
    }

    @Test
    void aPhotoFetchedAfterItsRequestTimedOutTakesNothingOfTheBudget() throws Exception {
        ModelHolder holder = serving();
        CountDownLatch hostAnswers = new CountDownLatch(1);
        byte[] large = Arrays.copyOf(PHOTO, 4 << 20);
        // given a budget of 8 MiB, and a request by URI whose host answers only after the request's 300 ms
        try (Processor processor = Processor.of(holder, holder::serving, 8 << 20,
                new Api(8, Duration.ofMillis(300)), uri -> {
                    try {
                        hostAnswers.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return large;
                })) {
            assertThat(refusal(processor.api().geotag(byUri("https://slow.example/large.jpg"))).status())
                    .isEqualTo(503);

            // when the host answers after all
            hostAnswers.countDown();
            Thread.sleep(500);

            // then its photo, 8 MiB in flight, took nothing: an inline photo is answered
            assertThat(processor.api().geotag(photo("after")).get(10, TimeUnit.SECONDS).getImageId())
                    .isEqualTo("after");
        }
    }

    private static ImageEvent byUri(String uri) {
        return ImageEvent.newBuilder().setImageId(uri).setUploadTime(Instant.now()).setSourcePlatform("test")
                .setMetadata(Map.of()).setContent(new ImageUri(uri)).build();
    }
}
