package dev.geoloc.processor.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.processor.batching.BatcherStoppedException;
import dev.geoloc.processor.batching.DynamicBatcher;
import dev.geoloc.processor.batching.InFlightBudget;
import dev.geoloc.processor.batching.Outcome;
import dev.geoloc.processor.config.ProcessorConfig;
import dev.geoloc.processor.intake.DecodePool;
import dev.geoloc.processor.intake.EventChecks;
import dev.geoloc.processor.intake.ImageSource;
import dev.geoloc.processor.intake.IntakeLimits;
import dev.geoloc.processor.intake.Rejection;
import dev.geoloc.processor.topology.PredictionRecords;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.Route;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.ImageUri;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.RegionPrediction;

/**
 * Answers one image within a request, through the stream's own parts: its checks, its decode deadline, its batcher
 * (so the model still sees full batches, the API's images beside the stream's) and the model serving now (a batch
 * that took a model swapped out runs again on the new one, so a request never meets a closed model).
 *
 * <p>It never makes a caller wait for room: too many requests at once, a spent in-flight budget or a full batch
 * queue are a 429 at once, and no model, or one failing on every image, a 503, both with Retry-After.
 */
@ApplicationScoped
public class Geotagger {

    private final ModelHolder models;
    private final DynamicBatcher batcher;
    private final DecodePool decodes;
    private final ImageSource images;
    private final InFlightBudget budget;
    private final EventChecks checks;
    private final Semaphore answering;
    private final int maxConcurrent;
    private final Duration timeout;

    @Inject
    Geotagger(ModelHolder models, DynamicBatcher batcher, DecodePool decodes, ImageSource images,
              InFlightBudget budget, IntakeLimits limits, ProcessorConfig config) {
        this(models, batcher, decodes, images, budget, limits, config.api());
    }

    Geotagger(ModelHolder models, DynamicBatcher batcher, DecodePool decodes, ImageSource images,
              InFlightBudget budget, IntakeLimits limits, ProcessorConfig.Api api) {
        this.models = models;
        this.batcher = batcher;
        this.decodes = decodes;
        this.images = images;
        this.budget = budget;
        this.checks = new EventChecks(limits);
        this.maxConcurrent = api.maxConcurrent();
        this.answering = new Semaphore(maxConcurrent);
        this.timeout = api.timeout();
    }

    /**
     * A place among the requests answered at once ({@code geoloc.api.max-concurrent}), or empty when every place is
     * taken. The HTTP route takes it before it reads the request's body, so that no more bodies than places are ever
     * held; the place is given back when the answer completes, or when the admission is closed, whichever is first.
     */
    public Optional<Admission> admit() {
        return answering.tryAcquire() ? Optional.of(new Admission()) : Optional.empty();
    }

    /** The refusal for a request that found no place. */
    public ApiRefusal busy() {
        return ApiRefusal.busy(maxConcurrent + " requests are being answered now (geoloc.api.max-concurrent)");
    }

    /** One request's place; given back once, however often it is closed. */
    public final class Admission implements AutoCloseable {

        private final AtomicBoolean held = new AtomicBoolean(true);

        private Admission() {
        }

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                answering.release();
            }
        }
    }

    /** {@link #geotag(Admission, ImageEvent)} with a place taken now: a caller that read its image itself. */
    public CompletableFuture<RegionPrediction> geotag(ImageEvent event) {
        return admit().map(admission -> geotag(admission, event)).orElseGet(() -> refused(busy()));
    }

    /**
     * Checks the request's image and sends it on, to the decode pool and the batcher, as the stream's images go; the
     * future completes with its prediction, or fails with an {@link ApiRefusal.RefusedException}. The admission is
     * given back when it completes.
     */
    public CompletableFuture<RegionPrediction> geotag(Admission admission, ImageEvent event) {
        long received = System.nanoTime();
        AtomicLong held = new AtomicLong();
        try {
            long cost = budget.costOf(event.getContent() instanceof InlineImage inline ? ImageSource.inline(inline) : null);
            take(held, cost);
            CompletableFuture<RegionPrediction> answer = answer(event, received, held);
            answer.whenComplete((prediction, failure) -> {
                budget.give(held.get());
                admission.close();
            });
            return answer;
        } catch (InterruptedException | RuntimeException e) {
            budget.give(held.get());
            admission.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.failedFuture(refusalOf(e));
        }
    }

    /**
     * Takes {@code cost} more of the in-flight budget for a request that holds {@code held}, without waiting: a
     * request never waits for room.
     */
    private void take(AtomicLong held, long cost) throws InterruptedException {
        if (!budget.tryTake(cost, Duration.ZERO)) {
            throw ApiRefusal.busy("The images in flight hold the whole in-flight budget "
                    + "(geoloc.batching.max-in-flight-bytes)").exception();
        }
        held.addAndGet(cost);
    }

    private CompletableFuture<RegionPrediction> answer(ImageEvent event, long received, AtomicLong held) {
        try {
            checks.checked(event);
        } catch (Rejection e) {
            throw ApiRefusal.badInput(e.code(), e.reason()).exception();
        }
        ServingSet serving = models.serving().orElseThrow(() -> ApiRefusal.unavailable("No model is loaded yet")
                .exception());
        batcher.degraded().ifPresent(why -> {
            throw ApiRefusal.unavailable("The model fails on every image and is being retried: " + why).exception();
        });
        Route route = serving.routeOf(event.getImageId().getBytes(StandardCharsets.UTF_8));
        ImagePreprocessor preprocessor = serving.answering(route).predictor().preprocessor();
        CompletableFuture<Queued> queued = event.getContent() instanceof ImageUri uri
                ? images.fetch(uri.getUri()).thenCompose(encoded -> {
                    // Priced as an empty event until now: the fetched photo, up to geoloc.images.max-bytes, is held
                    // until the answer too.
                    try {
                        take(held, budget.costOf(encoded) - held.get());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return CompletableFuture.failedFuture(e);
                    }
                    return queue(preprocessor, encoded, route, received);
                })
                : queue(preprocessor, ImageSource.inline((InlineImage) event.getContent()), route, received);
        // Made on the common pool, not on the thread that completes the outcome: that is the inference thread, which
        // leaves each prediction's arithmetic to the threads that read it (InferredImage).
        return queued.thenCompose(Queued::answered)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((done, failure) -> {
                    if (failure != null) {
                        queued.thenAccept(q -> q.outcome().cancel(false)); // its batch, not yet run, skips it
                        throw refusalOf(failure);
                    }
                    return predicted(event, done);
                }, ForkJoinPool.commonPool());
    }

    /** An image queued for its batch, and how long it took to get there since its request was read. */
    private record Queued(CompletableFuture<Outcome> outcome, long preprocessNanos) {

        CompletableFuture<Queued> answered() {
            return outcome.thenApply(done -> new Queued(CompletableFuture.completedFuture(done), preprocessNanos));
        }
    }

    /** Decodes the image on the decode pool, then queues it if the batcher has room, without waiting for any. */
    private CompletableFuture<Queued> queue(ImagePreprocessor preprocessor, byte[] encoded, Route route, long received) {
        return decodes.decode(preprocessor, encoded).thenCompose(decoded -> {
            long preprocessNanos = System.nanoTime() - received;
            return batcher.offer(decoded.tensor(), preprocessor.spec(), encoded, route)
                    .map(outcome -> CompletableFuture.completedFuture(new Queued(outcome, preprocessNanos)))
                    .orElseGet(() -> refused(ApiRefusal.busy("The inference queue is full "
                            + "(geoloc.batching.queue-capacity)")));
        });
    }

    private static RegionPrediction predicted(ImageEvent event, Queued done) {
        Outcome outcome = done.outcome().join();
        if (outcome instanceof Outcome.Failed failed) {
            throw ApiRefusal.badInput(failed.code(), failed.reason()).exception();
        }
        return PredictionRecords.of(event, (Outcome.Predicted) outcome, done.preprocessNanos(), Instant.now());
    }

    private static <T> CompletableFuture<T> refused(ApiRefusal refusal) {
        return CompletableFuture.failedFuture(refusal.exception());
    }

    /** What a failure anywhere on the way means to the caller. */
    static ApiRefusal.RefusedException refusalOf(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiRefusal.RefusedException refused) {
            return refused;
        }
        if (cause instanceof Rejection rejection) { // a fetch refused
            return ApiRefusal.badInput(rejection.code(), rejection.reason()).exception();
        }
        if (cause instanceof TimeoutException) {
            return ApiRefusal.unavailable("No prediction within geoloc.api.timeout; the model may be failing")
                    .exception();
        }
        if (cause instanceof BatcherStoppedException stopped) {
            return ApiRefusal.unavailable("The processor is not answering now: " + stopped.getMessage()).exception();
        }
        return ApiRefusal.badInput(DeadLetterCode.UNKNOWN, "The request failed: " + cause).exception();
    }
}
