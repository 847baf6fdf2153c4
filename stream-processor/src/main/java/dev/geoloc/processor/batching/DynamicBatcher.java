package dev.geoloc.processor.batching;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.model.NonFiniteOutputException;
import dev.geoloc.model.InferredImage;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.processor.intake.DeadLetterCodes;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.versions.Route;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.schemas.DeadLetterCode;

/**
 * Gathers preprocessed images from every stream thread into batches and runs them on one inference thread, so
 * the model sees full batches however the partitions are spread, and no stream thread ever waits on the model
 * (its poll loop and transactions keep their timing). A batch takes the model that is current when it starts
 * and finishes on it.
 *
 * <p>Submitting blocks while {@link BatchPolicy#queueCapacity()} images wait: back-pressure on consumption
 * instead of unbounded memory. Except while the model fails on every batch: a stream thread blocked here then
 * would outlive its transaction, so submit takes the image beyond the capacity, and {@link PauseWhileModelFails}
 * stops the topology from handing on more than the few records a stream thread processes before it sees the pause.
 */
public final class DynamicBatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DynamicBatcher.class);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final BatchPolicy policy;
    private final Supplier<Optional<ServingSet>> models;
    private final PipelineMetrics metrics;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    /** Places in the queue: a job holds one from submit until the inference thread takes it, unless overdrawn. */
    private final Semaphore room;
    private final Thread worker;
    private volatile boolean running = true;
    /** From the first image of a batch taken off the queue until every image of it has its outcome. */
    private volatile boolean batching;
    private volatile long degradedSince;
    private volatile String degradedReason = "";
    /** Reused for every batch: the inference thread is its only user. */
    private float[] input = new float[0];

    /**
     * @param tensor  the image preprocessed for {@code spec}
     * @param encoded the image file, to preprocess again should the model's input have changed meanwhile
     */
    private record Job(float[] tensor, Preprocessing spec, byte[] encoded, Route route, long submittedNanos,
                       CompletableFuture<Outcome> result, boolean holdsRoom) {
    }

    /** @param models the models serving now: a batch takes them once, when it starts */
    public DynamicBatcher(BatchPolicy policy, Supplier<Optional<ServingSet>> models, PipelineMetrics metrics) {
        this.policy = Objects.requireNonNull(policy);
        this.models = Objects.requireNonNull(models);
        this.metrics = Objects.requireNonNull(metrics);
        this.room = new Semaphore(policy.queueCapacity());
        this.worker = new Thread(this::run, "geoloc-inference");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues one image, waiting while the queue is full. The future completes on the inference thread; it
     * fails with {@link BatcherStoppedException} when the batcher stops first.
     *
     * @param route which model answers it: the canary's images run in batches of their own
     */
    public CompletableFuture<Outcome> submit(float[] tensor, Preprocessing spec, byte[] encoded, Route route)
            throws InterruptedException {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        boolean holdsRoom;
        while (!(holdsRoom = room.tryAcquire(100, TimeUnit.MILLISECONDS)) && degradedSince == 0) {
            if (!running || !worker.isAlive()) {
                throw new BatcherStoppedException("the inference batcher has stopped");
            }
        }
        return enqueue(new Job(tensor, spec, encoded, route, System.nanoTime(), result, holdsRoom));
    }

    /**
     * Queues one image if there is room now, without waiting: for a caller that answers "busy" instead of holding
     * a thread (the synchronous API's requests). Empty when the queue is full or the model fails on every image.
     */
    public Optional<CompletableFuture<Outcome>> offer(float[] tensor, Preprocessing spec, byte[] encoded, Route route) {
        if (!running || !worker.isAlive()) {
            throw new BatcherStoppedException("the inference batcher has stopped");
        }
        if (degradedSince != 0 || !room.tryAcquire()) {
            return Optional.empty();
        }
        return Optional.of(enqueue(new Job(tensor, spec, encoded, route, System.nanoTime(), new CompletableFuture<>(),
                true)));
    }

    private CompletableFuture<Outcome> enqueue(Job job) {
        queue.add(job);
        if (!running && queue.remove(job)) {
            release(job);
            job.result().completeExceptionally(new BatcherStoppedException("the inference batcher has stopped"));
        }
        return job.result();
    }

    /** Images waiting for a batch. */
    public int queued() {
        return queue.size();
    }

    /**
     * True when no image waits for a batch or is in one: every image submitted has its outcome. For an instant after
     * the inference thread takes a batch's first image it may say so wrongly.
     */
    public boolean idle() {
        return queue.isEmpty() && !batching;
    }

    public boolean isAlive() {
        return worker.isAlive();
    }

    private void release(Job job) {
        if (job.holdsRoom()) {
            room.release();
        }
    }

    /** A job leaves the queue: its place is free for a waiting submitter. */
    private Job taken(Job job) {
        if (job != null) {
            release(job);
        }
        return job;
    }

    private void run() {
        List<Job> held = new ArrayList<>(policy.maxSize()); // taken from the queue and not yet answered
        try {
            while (running) {
                held.clear();
                nextBatch(held);
                if (!running) {
                    held.forEach(job -> job.result().completeExceptionally(
                            new BatcherStoppedException("the inference batcher stopped before this image's batch")));
                } else if (!held.isEmpty()) {
                    runBatch(held);
                }
                batching = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("The inference thread failed; the processor is no longer live", e);
            throw e;
        } finally {
            running = false; // a dead worker takes no more images: submitters must not wait on it
            // Whatever it held when it died (an OutOfMemoryError mid-batch, say) is answered too, or the stream
            // threads would wait for those images forever.
            List<Job> left = new ArrayList<>(held);
            queue.drainTo(left);
            left.stream().filter(job -> !job.result().isDone()).forEach(job -> job.result().completeExceptionally(
                    new BatcherStoppedException("the inference batcher stopped before this image's prediction")));
        }
    }

    /** Waits for a first image, then for more until the batch is full or the first has waited max-delay. */
    private void nextBatch(List<Job> batch) throws InterruptedException {
        Job first = taken(queue.poll(IDLE_POLL_NANOS, TimeUnit.NANOSECONDS));
        if (first == null) {
            return;
        }
        batching = true;
        batch.add(first);
        long deadline = first.submittedNanos() + policy.maxDelay().toNanos();
        while (batch.size() < policy.maxSize() && running) {
            long wait = deadline - System.nanoTime();
            // In slices, so that a stop is seen however long max-delay is.
            Job next = taken(wait <= 0 ? queue.poll() : queue.poll(Math.min(wait, IDLE_POLL_NANOS), TimeUnit.NANOSECONDS));
            if (next != null) {
                batch.add(next);
            } else if (deadline - System.nanoTime() <= 0) {
                break;
            }
        }
        batch.removeIf(job -> job.result().isDone()); // cancelled by a closed task
    }

    /**
     * Runs a batch until every image in it has an outcome, the canary's images and the stable version's each as one
     * batch on their own model. A failure of a model itself (a device error, say) is retried with back-off, the
     * images kept, and liveness reports it; the other model's images are answered meanwhile. Only a failure that is
     * the image's own becomes a dead letter.
     *
     * @param held the batch: the images taken into its retries are added, to be answered should this thread die
     */
    private void runBatch(List<Job> held) {
        long backoffMillis = 1000;
        while (running) {
            for (Route route : Route.values()) {
                List<Job> routed = unanswered(held, route);
                if (!routed.isEmpty()) {
                    runRouted(routed, route, backoffMillis);
                }
            }
            if (unanswered(held).isEmpty()) {
                // Each image has its answer, or a dead letter for a fault of its own: no model fails on every image
                // now, even where no image reached one. Kept set, nothing would clear it: the topology paused on it
                // hands on no further batch.
                degradedSince = 0;
                return;
            }
            pause(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, 30_000);
            // Retry with the images that queued meanwhile: if they succeed, the failing image was the problem after
            // all, and isolating them sets it aside instead of stalling everything.
            topUp(held);
        }
        stop(unanswered(held), "the inference batcher stopped during this image's batch");
    }

    /**
     * Runs one route's images on its model, once; a model swapped out before the batch began is replaced by the new
     * one. Those the model failed on are left unanswered, for a retry.
     */
    private void runRouted(List<Job> batch, Route route, long backoffMillis) {
        List<Job> waiting = batch;
        while (!waiting.isEmpty() && running) {
            Optional<ServingSet> current = models.get();
            if (current.isEmpty()) {
                stop(waiting, "no model is loaded");
                return;
            }
            ServedModel served = current.get().answering(route);
            List<Job> runnable = placeAll(waiting, served);
            if (runnable.isEmpty()) {
                return;
            }
            try {
                predict(runnable, served, route, current.get().shadow());
                return;
            } catch (RuntimeException e) {
                if (served.predictor().isClosed()) {
                    waiting = runnable; // swapped out and closed before the batch began: run it on the new model
                    continue;
                }
                waiting = isolate(runnable, served, e);
                if (!waiting.isEmpty() && !served.predictor().isClosed()) {
                    failing(served, e, backoffMillis);
                    return;
                }
            }
        }
    }

    /** Reports the model failing on every image: liveness, the topology's pause and {@link #offer} go by it. */
    private void failing(ServedModel served, RuntimeException e, long backoffMillis) {
        if (degradedSince == 0) {
            degradedSince = System.nanoTime();
        }
        degradedReason = e.toString();
        LOG.errorf("Model %s fails on every image (%s); retrying in %d ms", served.describe(), e, backoffMillis);
    }

    /**
     * Takes the images that queued meanwhile into the batch, each route's up to a full batch of its own; the rest
     * stay queued, in their order.
     */
    private void topUp(List<Job> held) {
        held.removeIf(job -> job.result().isDone()); // answered: a long failure keeps no image it is done with
        Map<Route, Integer> places = new EnumMap<>(Route.class);
        for (Route route : Route.values()) {
            places.put(route, policy.maxSize());
        }
        held.forEach(job -> places.merge(job.route(), -1, Integer::sum));
        for (Job job : queue) {
            if (places.get(job.route()) > 0 && queue.remove(job)) {
                places.merge(job.route(), -1, Integer::sum);
                held.add(taken(job));
            }
        }
    }

    private static List<Job> unanswered(List<Job> jobs) {
        return jobs.stream().filter(job -> !job.result().isDone()).toList();
    }

    private static List<Job> unanswered(List<Job> jobs, Route route) {
        return unanswered(jobs).stream().filter(job -> job.route() == route).toList();
    }

    /** Places each image in the batch; one the model's input refuses is a dead letter. */
    private List<Job> placeAll(List<Job> batch, ServedModel served) {
        return placeEach(batch, served, (job, e) -> job.result().complete(new Outcome.Failed(
                DeadLetterCodes.of(e.reason()), "For the input of " + served.describe() + ": " + e.getMessage())));
    }

    /** @return the jobs placed, in their slots' order */
    private List<Job> placeEach(List<Job> batch, ServedModel served, BiConsumer<Job, ImageRejectedException> refused) {
        RegionPredictor predictor = served.predictor();
        int floats = predictor.imageTensorSize();
        if (input.length < batch.size() * floats) {
            input = new float[Math.max(policy.maxSize(), batch.size()) * floats];
        }
        List<Job> placed = new ArrayList<>(batch.size());
        for (Job job : batch) {
            try {
                place(job, predictor, input, placed.size() * floats);
                placed.add(job);
            } catch (ImageRejectedException e) {
                refused.accept(job, e);
            }
        }
        return placed;
    }

    /**
     * Runs placed images through the model, then through the shadow model if one runs, and completes them with the
     * models' outputs; throws what the model throws. The shadow's failures are its own: counted, and the images
     * answered without it. Making each prediction of its outputs is left to the threads that take the answers: every
     * image goes through this one thread.
     */
    private void predict(List<Job> runnable, ServedModel served, Route route, Optional<ServedModel> shadow) {
        long started = System.nanoTime();
        List<InferredImage> inferred = served.predictor().infer(input, runnable.size());
        long inferenceNanos = System.nanoTime() - started;
        metrics.batch(served.name(), served.version(), runnable.size(), inferenceNanos);
        Map<Job, Outcome.Shadowed> shadowed = shadow.filter(model -> model != served)
                .map(model -> shadow(runnable, model)).orElse(Map.of());
        for (int i = 0; i < runnable.size(); i++) {
            Job job = runnable.get(i);
            long queueNanos = started - job.submittedNanos();
            metrics.queued(queueNanos);
            job.result().complete(new Outcome.Predicted(inferred.get(i), served, route, runnable.size(), queueNanos,
                    inferenceNanos, Optional.ofNullable(shadowed.get(job))));
        }
    }

    private Map<Job, Outcome.Shadowed> shadow(List<Job> jobs, ServedModel shadow) {
        if (shadow.predictor().isClosed()) {
            return Map.of(); // retired meanwhile
        }
        try {
            List<Job> placed = placeEach(jobs, shadow, (job, e) -> metrics.shadowFailed());
            List<InferredImage> inferred = shadow.predictor().infer(input, placed.size());
            Map<Job, Outcome.Shadowed> answers = new IdentityHashMap<>();
            for (int i = 0; i < placed.size(); i++) {
                answers.put(placed.get(i), new Outcome.Shadowed(inferred.get(i), shadow));
            }
            return answers;
        } catch (RuntimeException e) {
            LOG.debugf("The shadow model %s failed on a batch: %s", shadow.describe(), e);
            jobs.forEach(job -> metrics.shadowFailed());
            return Map.of();
        }
    }

    /**
     * After a batch failed: runs its images one at a time. An image whose output is not finite, or that fails
     * while others succeed, is the image's own problem (a dead letter); if every image fails for another reason
     * the model is at fault, and all of them are returned to be retried.
     */
    private List<Job> isolate(List<Job> failed, ServedModel served, RuntimeException batchError) {
        if (failed.size() == 1 && !(batchError instanceof NonFiniteOutputException)) {
            return failed;
        }
        List<Job> systemic = new ArrayList<>();
        boolean anySucceeded = false;
        for (Job job : failed) {
            List<Job> alone = placeAll(List.of(job), served);
            if (alone.isEmpty()) {
                continue;
            }
            try {
                predict(alone, served, job.route(), Optional.empty());
                anySucceeded = true;
            } catch (NonFiniteOutputException e) {
                job.result().complete(new Outcome.Failed(DeadLetterCode.INFERENCE_FAILED,
                        "Model " + served.describe() + " failed on this image: " + e.getMessage()));
            } catch (RuntimeException e) {
                if (served.predictor().isClosed()) {
                    // Swapped out while isolating: what is left runs on the new model, blaming nothing.
                    return failed.stream().filter(j -> !j.result().isDone()).toList();
                }
                systemic.add(job);
            }
        }
        if (anySucceeded) {
            systemic.forEach(job -> job.result().complete(new Outcome.Failed(DeadLetterCode.INFERENCE_FAILED,
                    "Model " + served.describe() + " failed on this image while it predicted others: "
                            + batchError.getMessage())));
            return List.of();
        }
        return systemic;
    }

    private void pause(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        while (running && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, millis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void stop(List<Job> jobs, String why) {
        jobs.forEach(job -> job.result().completeExceptionally(new BatcherStoppedException(why)));
    }

    /** Why the model has been failing on every image, while it is; empty when it is sound. */
    public Optional<String> degraded() {
        return degradedSince == 0 ? Optional.empty() : Optional.of(degradedReason + " for "
                + (System.nanoTime() - degradedSince) / 1_000_000_000 + " s");
    }

    /** Copies the image into its batch slot, preprocessing it again if the model's input differs from its tensor's. */
    private static void place(Job job, RegionPredictor predictor, float[] batch, int offset)
            throws ImageRejectedException {
        if (job.spec().equals(predictor.preprocessing())) {
            System.arraycopy(job.tensor(), 0, batch, offset, job.tensor().length);
        } else {
            predictor.preprocessor().preprocess(job.encoded(), batch, offset);
        }
    }

    /** Stops taking images, lets the running batch finish, and fails what still waits as stopped, not as bad. */
    @Override
    public void close() {
        running = false; // the worker sees it within 100 ms, or once its running batch is done
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
