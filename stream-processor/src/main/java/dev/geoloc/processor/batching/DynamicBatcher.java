package dev.geoloc.processor.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.model.Prediction;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.model.ServedModel;
import dev.geoloc.schemas.DeadLetterCode;

/**
 * Gathers preprocessed images from every stream thread into batches and runs them on one inference thread, so
 * the model sees full batches however the partitions are spread, and no stream thread ever waits on the model
 * (its poll loop and transactions keep their timing). A batch takes the model that is current when it starts
 * and finishes on it.
 *
 * <p>Submitting blocks while {@link BatchPolicy#queueCapacity()} images wait: back-pressure on consumption
 * instead of unbounded memory.
 */
public final class DynamicBatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DynamicBatcher.class);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final BatchPolicy policy;
    private final Supplier<Optional<ServedModel>> model;
    private final PipelineMetrics metrics;
    private final BlockingQueue<Job> queue;
    private final Thread worker;
    private volatile boolean running = true;
    /** Reused for every batch: the inference thread is its only user. */
    private float[] input = new float[0];

    /**
     * @param tensor  the image preprocessed for {@code spec}
     * @param encoded the image file, to preprocess again should the model's input have changed meanwhile
     */
    private record Job(float[] tensor, Preprocessing spec, byte[] encoded, long submittedNanos,
                       CompletableFuture<Outcome> result) {
    }

    public DynamicBatcher(BatchPolicy policy, Supplier<Optional<ServedModel>> model, PipelineMetrics metrics) {
        this.policy = Objects.requireNonNull(policy);
        this.model = Objects.requireNonNull(model);
        this.metrics = Objects.requireNonNull(metrics);
        this.queue = new ArrayBlockingQueue<>(policy.queueCapacity());
        this.worker = new Thread(this::run, "geoloc-inference");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues one image, waiting while the queue is full. The future completes on the inference thread; it
     * fails with {@link BatcherStoppedException} when the batcher stops first.
     */
    public CompletableFuture<Outcome> submit(float[] tensor, Preprocessing spec, byte[] encoded) throws InterruptedException {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Job job = new Job(tensor, spec, encoded, System.nanoTime(), result);
        while (!queue.offer(job, 100, TimeUnit.MILLISECONDS)) {
            if (!running) {
                throw new BatcherStoppedException("the inference batcher has stopped");
            }
        }
        if (!running && queue.remove(job)) {
            result.completeExceptionally(new BatcherStoppedException("the inference batcher has stopped"));
        }
        return result;
    }

    /** Images waiting for a batch. */
    public int queued() {
        return queue.size();
    }

    public boolean isAlive() {
        return worker.isAlive();
    }

    private void run() {
        try {
            while (running) {
                List<Job> batch = nextBatch();
                if (!running) {
                    batch.forEach(job -> job.result().completeExceptionally(
                            new BatcherStoppedException("the inference batcher stopped before this image's batch")));
                } else if (!batch.isEmpty()) {
                    runBatch(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("The inference thread failed; the processor is no longer live", e);
            throw e;
        } finally {
            List<Job> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(job -> job.result().completeExceptionally(
                    new BatcherStoppedException("the inference batcher stopped before this image's batch")));
        }
    }

    /** Waits for a first image, then for more until the batch is full or the first has waited max-delay. */
    private List<Job> nextBatch() throws InterruptedException {
        Job first = queue.poll(IDLE_POLL_NANOS, TimeUnit.NANOSECONDS);
        if (first == null) {
            return List.of();
        }
        List<Job> batch = new ArrayList<>(policy.maxSize());
        batch.add(first);
        long deadline = first.submittedNanos() + policy.maxDelay().toNanos();
        while (batch.size() < policy.maxSize() && running) {
            long wait = deadline - System.nanoTime();
            // In slices, so that a stop is seen however long max-delay is.
            Job next = wait <= 0 ? queue.poll() : queue.poll(Math.min(wait, IDLE_POLL_NANOS), TimeUnit.NANOSECONDS);
            if (next != null) {
                batch.add(next);
            } else if (deadline - System.nanoTime() <= 0) {
                break;
            }
        }
        batch.removeIf(job -> job.result().isDone()); // cancelled by a closed task
        return batch;
    }

    private void runBatch(List<Job> batch) {
        Optional<ServedModel> current = model.get();
        if (current.isEmpty()) {
            batch.forEach(job -> job.result().completeExceptionally(new BatcherStoppedException("no model is loaded")));
            return;
        }
        ServedModel served = current.get();
        RegionPredictor predictor = served.predictor();
        long started = System.nanoTime();
        List<Job> runnable = new ArrayList<>(batch.size());
        int floats = predictor.imageTensorSize();
        if (input.length < batch.size() * floats) {
            input = new float[policy.maxSize() * floats];
        }
        for (Job job : batch) {
            try {
                place(job, predictor, input, runnable.size() * floats);
                runnable.add(job);
            } catch (ImageRejectedException e) {
                job.result().complete(new Outcome.Failed(DeadLetterCode.valueOf(e.reason().name()),
                        "For the input of " + served.describe() + ": " + e.getMessage()));
            }
        }
        if (runnable.isEmpty()) {
            return;
        }
        try {
            List<Prediction> predictions = predictor.predict(input, runnable.size());
            long inferenceNanos = System.nanoTime() - started;
            metrics.batch(runnable.size(), inferenceNanos);
            for (int i = 0; i < runnable.size(); i++) {
                Job job = runnable.get(i);
                long queueNanos = started - job.submittedNanos();
                metrics.queued(queueNanos);
                job.result().complete(new Outcome.Predicted(predictions.get(i), served, runnable.size(), queueNanos,
                        inferenceNanos));
            }
        } catch (RuntimeException e) {
            if (predictor.isClosed()) {
                // Swapped out and closed between taking it and starting: the batch never ran, so it runs on the new one.
                runBatch(runnable);
            } else if (!running) {
                runnable.forEach(job -> job.result().completeExceptionally(new BatcherStoppedException(
                        "the inference batcher stopped during this image's batch")));
            } else if (runnable.size() > 1) {
                // One image can spoil a batch (a non-finite output): run them one by one so only it fails.
                LOG.warnf("A batch of %d failed (%s); running its images one at a time", runnable.size(), e.getMessage());
                runnable.forEach(job -> runBatch(List.of(job)));
            } else {
                runnable.get(0).result().complete(new Outcome.Failed(DeadLetterCode.INFERENCE_FAILED,
                        "Model " + served.describe() + " failed on this image: " + e.getMessage()));
            }
        }
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
