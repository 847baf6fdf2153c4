package dev.geoloc.processor.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.contracts.versions.Canary;
import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.imaging.TestImages;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.versions.Route;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.regions.RegionCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The batcher on a real model: when batches run, what they hold, and what a stop does. */
class DynamicBatcherTest {

    @TempDir
    static Path dir;
    private static ServedModel model;
    private static byte[] photo;

    @BeforeAll
    static void loadModel() throws Exception {
        Path bundlePath = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER,
                RegionCatalog.losAngeles());
        try (ModelBundle bundle = ModelBundle.open(bundlePath)) {
            model = new ServedModel("batcher-test", 1, RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu")));
        }
        photo = TestImages.jpeg(TestImages.bands(80, 60, TestImages.RED, TestImages.BLUE), false);
    }

    @AfterAll
    static void closeModel() {
        model.predictor().close();
    }

    private static DynamicBatcher batcher(int maxSize, Duration maxDelay) {
        return new DynamicBatcher(new BatchPolicy(maxSize, maxDelay, 64), () -> Optional.of(ServingSet.of(model)),
                new PipelineMetrics(new SimpleMeterRegistry()));
    }

    private static CompletableFuture<Outcome> submit(DynamicBatcher batcher) throws Exception {
        ImagePreprocessor preprocessor = model.predictor().preprocessor();
        return batcher.submit(preprocessor.preprocess(photo), preprocessor.spec(), photo, Route.STABLE);
    }

    @Test
    void aFullBatchRunsAtOnceWithoutWaitingForTheDelay() throws Exception {
        try (DynamicBatcher batcher = batcher(4, Duration.ofSeconds(30))) {
            List<CompletableFuture<Outcome>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(submit(batcher));
            }

            for (CompletableFuture<Outcome> result : results) {
                Outcome outcome = result.get(10, TimeUnit.SECONDS); // far less than the 30 s delay
                assertThat(outcome).isInstanceOfSatisfying(Outcome.Predicted.class, predicted -> {
                    assertThat(predicted.batchSize()).isEqualTo(4);
                    assertThat(predicted.model()).isSameAs(model);
                });
            }
        }
    }

    @Test
    void aLoneImageRunsWhenItsDelayIsUp() throws Exception {
        try (DynamicBatcher batcher = batcher(32, Duration.ofMillis(50))) {
            Outcome outcome = submit(batcher).get(10, TimeUnit.SECONDS);

            assertThat(outcome).isInstanceOfSatisfying(Outcome.Predicted.class, predicted -> {
                assertThat(predicted.batchSize()).isEqualTo(1);
                assertThat(predicted.queueNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
            });
        }
    }

    @Test
    void moreImagesThanABatchAreSplitIntoFullBatches() throws Exception {
        try (DynamicBatcher batcher = batcher(8, Duration.ofSeconds(30))) {
            List<CompletableFuture<Outcome>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                results.add(submit(batcher));
            }

            for (CompletableFuture<Outcome> result : results) {
                assertThat(((Outcome.Predicted) result.get(10, TimeUnit.SECONDS)).batchSize()).isEqualTo(8);
            }
        }
    }

    @Test
    void anOfferIsRefusedAtOnceWhileTheQueueIsFullAndTakenOnceThereIsRoomAgain() throws Exception {
        ImagePreprocessor preprocessor = model.predictor().preprocessor();
        float[] tensor = preprocessor.preprocess(photo);
        java.util.concurrent.CountDownLatch modelFree = new java.util.concurrent.CountDownLatch(1);
        // given batches of one and a queue of one place, and an inference thread held inside its first batch
        try (DynamicBatcher batcher = new DynamicBatcher(new BatchPolicy(1, Duration.ofMillis(10), 1), () -> {
            try {
                modelFree.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.of(ServingSet.of(model));
        }, new PipelineMetrics(new SimpleMeterRegistry()))) {
            Optional<CompletableFuture<Outcome>> running = batcher.offer(tensor, preprocessor.spec(), photo, Route.STABLE);
            awaitQueued(batcher, 0);
            Optional<CompletableFuture<Outcome>> waiting = batcher.offer(tensor, preprocessor.spec(), photo, Route.STABLE);

            // when one more is offered while the queue's one place is taken
            Optional<CompletableFuture<Outcome>> refused = batcher.offer(tensor, preprocessor.spec(), photo, Route.STABLE);

            // then it is refused without waiting; once the model is free the others are answered, and there is room again
            assertThat(running).isPresent();
            assertThat(waiting).isPresent();
            assertThat(refused).isEmpty();
            modelFree.countDown();
            assertThat(running.get().get(10, TimeUnit.SECONDS)).isInstanceOf(Outcome.Predicted.class);
            assertThat(waiting.get().get(10, TimeUnit.SECONDS)).isInstanceOf(Outcome.Predicted.class);
            Optional<CompletableFuture<Outcome>> later = batcher.offer(tensor, preprocessor.spec(), photo, Route.STABLE);
            assertThat(later).isPresent();
            assertThat(later.get().get(10, TimeUnit.SECONDS)).isInstanceOf(Outcome.Predicted.class);
        }
    }

    private static void awaitQueued(DynamicBatcher batcher, int queued) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (batcher.queued() != queued && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(batcher.queued()).isEqualTo(queued);
    }

    @Test
    void anImagePreparedForAnotherInputIsPreprocessedAgainForThisModel() throws Exception {
        Preprocessing other = Preprocessing.imagenet(32);
        float[] tensor = new ImagePreprocessor(other, ImageLimits.DEFAULT).preprocess(photo);
        try (DynamicBatcher batcher = batcher(2, Duration.ofMillis(10))) {
            Outcome swapped = batcher.submit(tensor, other, photo, Route.STABLE).get(10, TimeUnit.SECONDS);
            Outcome direct = submit(batcher).get(10, TimeUnit.SECONDS);

            assertThat(((Outcome.Predicted) swapped).prediction().probabilities())
                    .containsExactly(((Outcome.Predicted) direct).prediction().probabilities(),
                            org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void imagesWhoseOutputIsNotFiniteAreDeadLetteredOneByOneAndTheModelIsNotBlamed() throws Exception {
        Path nanBundle = TestBundles.nanHead(dir.resolve("nan"), RegionCatalog.losAngeles());
        try (ModelBundle bundle = ModelBundle.open(nanBundle);
             RegionPredictor nan = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"));
             DynamicBatcher batcher = new DynamicBatcher(new BatchPolicy(4, Duration.ofMillis(20), 64),
                     () -> Optional.of(ServingSet.of(new ServedModel("nan", 1, nan))), new PipelineMetrics(new SimpleMeterRegistry()))) {
            List<CompletableFuture<Outcome>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(batcher.submit(nan.preprocessor().preprocess(photo), nan.preprocessor().spec(), photo, Route.STABLE));
            }

            for (CompletableFuture<Outcome> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
                    assertThat(failed.code()).isEqualTo(dev.geoloc.schemas.DeadLetterCode.INFERENCE_FAILED);
                    assertThat(failed.reason()).contains("non-finite");
                });
            }
            assertThat(batcher.degraded()).isEmpty();
        }
    }

    @Test
    void aBatchThatTookAModelJustClosedRunsOnTheOneThatReplacedIt() throws Exception {
        Path oldBundle = TestBundles.untrained(dir.resolve("old"), "tiny-cnn", TestBundles.CLASSIFIER,
                RegionCatalog.losAngeles());
        ServedModel closed;
        try (ModelBundle bundle = ModelBundle.open(oldBundle)) {
            closed = new ServedModel("swap", 1, RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu")));
        }
        closed.predictor().close(); // swapped out and closed between the batch taking it and running
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        try (DynamicBatcher batcher = new DynamicBatcher(new BatchPolicy(4, Duration.ofMillis(10), 64),
                () -> Optional.of(ServingSet.of(asked.getAndIncrement() == 0 ? closed : model)),
                new PipelineMetrics(new SimpleMeterRegistry()))) {
            Outcome outcome = submit(batcher).get(10, TimeUnit.SECONDS);

            assertThat(outcome).isInstanceOfSatisfying(Outcome.Predicted.class,
                    predicted -> assertThat(predicted.model()).isSameAs(model));
            assertThat(batcher.degraded()).as("a closed model is no failing model").isEmpty();
        }
    }

    @Test
    void aRetryWhoseOneAtATimeRunAnswersAnImageClearsTheModelFailure() throws Exception {
        ImagePreprocessor preprocessor = model.predictor().preprocessor();
        float[] nan = new float[model.predictor().imageTensorSize()];
        java.util.Arrays.fill(nan, Float.NaN);
        try (RegionPredictor broken = brokenPredictor("retry-broken")) {
            // given a model that fails on every batch, and an image retried on it
            AtomicReference<ServingSet> serving = new AtomicReference<>(ServingSet.of(new ServedModel("retry", 1, broken)));
            try (DynamicBatcher batcher = new DynamicBatcher(new BatchPolicy(4, Duration.ofMillis(10), 64),
                    () -> Optional.of(serving.get()), new PipelineMetrics(new SimpleMeterRegistry()))) {
                CompletableFuture<Outcome> good = submit(batcher);
                awaitDegraded(batcher);

                // when a sound version serves, and the retry's top-up takes an image whose output is not finite,
                // so that the batch fails and its images settle one at a time
                CompletableFuture<Outcome> bad = batcher.submit(nan, preprocessor.spec(), photo, Route.STABLE);
                serving.set(ServingSet.of(model));

                // then the sound image is answered, the other is a dead letter, and the model fails no longer
                assertThat(good.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(Outcome.Predicted.class,
                        predicted -> assertThat(predicted.model()).isSameAs(model));
                assertThat(bad.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(Outcome.Failed.class,
                        failed -> assertThat(failed.reason()).contains("non-finite"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (batcher.degraded().isPresent() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(batcher.degraded()).as("the topology stays paused while this says the model fails").isEmpty();
            }
        }
    }

    @Test
    void whileTheStableModelFailsACanaryImageIsAnsweredByTheCanary() throws Exception {
        ServedModel canary = new ServedModel("canary", 2, model.predictor());
        try (RegionPredictor broken = brokenPredictor("canary-broken")) {
            // given a stable model that fails on every batch beside a sound canary, and a stable image retried
            ServingSet serving = new ServingSet(new ServedModel("stable", 1, broken),
                    Optional.of(new ServingSet.ServedCanary(canary, new Canary(null, 50))), Optional.empty());
            try (DynamicBatcher batcher = new DynamicBatcher(new BatchPolicy(4, Duration.ofMillis(10), 64),
                    () -> Optional.of(serving), new PipelineMetrics(new SimpleMeterRegistry()))) {
                CompletableFuture<Outcome> stable = submit(batcher);
                awaitDegraded(batcher);

                // when an image routed to the canary comes
                ImagePreprocessor preprocessor = model.predictor().preprocessor();
                CompletableFuture<Outcome> routed = batcher.submit(preprocessor.preprocess(photo), preprocessor.spec(),
                        photo, Route.CANARY);

                // then the canary answers it, within the stable model's first back-off, and the stable image waits
                assertThat(routed.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(Outcome.Predicted.class, predicted -> {
                    assertThat(predicted.model()).isSameAs(canary);
                    assertThat(predicted.route()).isEqualTo(Route.CANARY);
                    assertThat(predicted.batchSize()).isEqualTo(1);
                });
                assertThat(stable).isNotDone();
                assertThat(batcher.degraded()).isPresent();
            }
        }
    }

    @Test
    void anImageTakenIntoARetryIsAnsweredWhenTheInferenceThreadDiesThere() throws Exception {
        try (RegionPredictor broken = brokenPredictor("retry-dies")) {
            // given a model that fails on every batch, and whose next use kills the inference thread
            AtomicBoolean dying = new AtomicBoolean();
            ServingSet serving = ServingSet.of(new ServedModel("dying", 1, broken));
            try (DynamicBatcher batcher = new DynamicBatcher(new BatchPolicy(4, Duration.ofMillis(10), 64), () -> {
                if (dying.get()) {
                    throw new OutOfMemoryError("simulated: the retried batch ran out of memory");
                }
                return Optional.of(serving);
            }, new PipelineMetrics(new SimpleMeterRegistry()))) {
                CompletableFuture<Outcome> first = submit(batcher);
                awaitDegraded(batcher);

                // when an image queues during the back-off, and the retry that takes it dies
                CompletableFuture<Outcome> later = submit(batcher);
                dying.set(true);

                // then it is answered as stopped, like the image retried with it
                for (CompletableFuture<Outcome> result : List.of(first, later)) {
                    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                            .hasCauseInstanceOf(BatcherStoppedException.class);
                }
            }
        }
    }

    /** A model whose head's native memory is released behind its back: every batch fails, and it is not closed. */
    private static RegionPredictor brokenPredictor(String name) throws Exception {
        Path bundlePath = TestBundles.untrained(dir.resolve(name), "tiny-cnn", TestBundles.CLASSIFIER,
                RegionCatalog.losAngeles());
        try (ModelBundle bundle = ModelBundle.open(bundlePath)) {
            RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"));
            BrokenHead.breakHead(predictor);
            return predictor;
        }
    }

    private static void awaitDegraded(DynamicBatcher batcher) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batcher.degraded().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(batcher.degraded()).as("the model fails on every batch").isPresent();
    }

    @Test
    void imagesStillWaitingWhenTheBatcherStopsFailAsStoppedNotAsBadImages() throws Exception {
        DynamicBatcher batcher = batcher(32, Duration.ofSeconds(30));
        CompletableFuture<Outcome> result = submit(batcher);
        batcher.close(); // well before the batch's 30 s delay is up

        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(BatcherStoppedException.class);
        assertThat(batcher.isAlive()).isFalse();
    }

    @Test
    void anInferenceThreadKilledByAnErrorMidBatchAnswersEveryImageItHeldAndIsNoLongerLive() throws Exception {
        // given a model whose use kills the inference thread, as an OutOfMemoryError in libtorch's allocation would
        try (DynamicBatcher batcher = new DynamicBatcher(new BatchPolicy(4, Duration.ofMillis(50), 64), () -> {
            throw new OutOfMemoryError("simulated: the model's batch ran out of memory");
        }, new PipelineMetrics(new SimpleMeterRegistry()))) {
            // when images wait in its batch
            List<CompletableFuture<Outcome>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(submit(batcher));
            }

            // then each is answered within a second, as stopped (for the next owner of the task), and liveness sees
            // the thread gone
            for (CompletableFuture<Outcome> result : results) {
                assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(BatcherStoppedException.class);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (batcher.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(batcher.isAlive()).isFalse();
        }
    }
}
