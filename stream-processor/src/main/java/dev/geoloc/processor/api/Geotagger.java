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
import java.util.concurrent.atomic.AtomicInteger;

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
     * held. Once {@link #geotag(Admission, ImageEvent)} has it, the place is given back when the answer completes;
     * before that, when the route {@link Admission#abandon() abandons} it.
     */
    public Optional<Admission> admit() {
        return answering.tryAcquire() ? Optional.of(new Admission()) : Optional.empty();
    }

    /** The refusal for a request that found no place. */
    public ApiRefusal busy() {
        return ApiRefusal.busy(maxConcurrent + " requests are being answered now (geoloc.api.max-concurrent)");
    }

    /** One request's place: held, then answering, then given back, once. */
    public final class Admission {

        private static final int HELD = 0;
        private static final int ANSWERING = 1;
        private static final int RELEASED = 2;

        private final AtomicInteger state = new AtomicInteger(HELD);

        private Admission() {
        }

        /** Gives the place back unless an answer is under way, which gives it back when it completes. */
        public void abandon() {
            if (state.compareAndSet(HELD, RELEASED)) {
                answering.release();
            }
        }

        /** Whether the place is still held, which the answer now owns. */
        private boolean answer() {
            return state.compareAndSet(HELD, ANSWERING);
        }

        private void release() {
            if (state.getAndSet(RELEASED) != RELEASED) {
                answering.release();
            }
        }
    }

    /** {@link #geotag(Admission, ImageEvent)} with a place taken now. */
    CompletableFuture<RegionPrediction> geotag(ImageEvent event) {
        return admit().map(admission -> geotag(admission, event)).orElseGet(() -> refused(busy()));
    }

    /**
     * Checks the request's image and sends it on, to the decode pool and the batcher, as the stream's images go; the
     * future completes with its prediction, or fails with an {@link ApiRefusal.RefusedException}. The admission is
     * given back when it completes; one the route already abandoned (its connection closed) is answered no more.
     */
    public CompletableFuture<RegionPrediction> geotag(Admission admission, ImageEvent event) {
        if (!admission.answer()) {
            return refused(ApiRefusal.badInput(DeadLetterCode.UNKNOWN, "The request ended before it was answered"));
        }
        long received = System.nanoTime();
        HeldBytes held = new HeldBytes();
        try {
            held.take(budget.costOf(event.getContent() instanceof InlineImage inline
                    ? ImageSource.inline(inline) : null));
            CompletableFuture<RegionPrediction> answer = answer(event, received, held);
            answer.whenComplete((prediction, failure) -> {
                held.release();
                admission.release();
            });
            return answer;
        } catch (RuntimeException e) {
            held.release();
            admission.release();
            return CompletableFuture.failedFuture(refusalOf(e));
        }
    }

    /**
     * The in-flight budget one request holds. A fetch by URI takes its photo's bytes when they come, which may be
     * after the answer timed out and gave back what it held: bytes taken then would never be given back, so once
     * released, nothing more is taken.
     */
    private final class HeldBytes {

        private long held; // guarded by this
        private boolean released; // guarded by this

        /** Takes {@code cost} more without waiting (a request never waits for room), or refuses as busy. */
        synchronized void take(long cost) {
            boolean took;
            try {
                took = !released && budget.tryTake(cost, Duration.ZERO);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                took = false;
            }
            if (!took) {
                throw ApiRefusal.busy("The images in flight hold the whole in-flight budget "
                        + "(geoloc.batching.max-in-flight-bytes)").exception();
            }
            held += cost;
        }

        /** Takes, as {@link #take} does, what is missing to hold {@code cost} in all. */
        synchronized void topUpTo(long cost) {
            take(Math.max(0, cost - held));
        }

        synchronized void release() {
            if (!released) {
                released = true;
                budget.give(held);
            }
        }
    }

    private CompletableFuture<RegionPrediction> answer(ImageEvent event, long received, HeldBytes held) {
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
                    held.topUpTo(budget.costOf(encoded));
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
