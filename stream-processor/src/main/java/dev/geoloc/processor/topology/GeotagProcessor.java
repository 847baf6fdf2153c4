package dev.geoloc.processor.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.processor.batching.BatcherStoppedException;
import dev.geoloc.processor.batching.InFlightBudget;
import dev.geoloc.processor.batching.Outcome;
import dev.geoloc.processor.intake.DecodePool.DecodeTime;
import dev.geoloc.processor.intake.ImageSource;
import dev.geoloc.processor.intake.IntakeLimits;
import dev.geoloc.processor.intake.Rejection;
import dev.geoloc.processor.panorama.ViewAnswer;
import dev.geoloc.processor.versions.Route;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.regions.LatLon;
import dev.geoloc.schemas.CaptureGroup;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.ImageUri;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.RegionPrediction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;

/**
 * One task's geotagging: decode and check each event, send its image through the shared
 * {@link dev.geoloc.processor.intake.DecodePool} to the shared {@link dev.geoloc.processor.batching.DynamicBatcher},
 * and emit the prediction (or a dead letter) once its batch is done, in input order per key.
 *
 * <p>No loss, no duplicate: when an image is taken, its place in the input topic goes into the changelogged
 * pending store, and leaves it in the same transaction that emits its prediction. A commit while it waits
 * commits the store with it, so after a crash the restored store still names it and {@link #init} reads it
 * again and queues it; a prediction from an aborted transaction is never visible to read_committed consumers.
 */
final class GeotagProcessor implements Processor<byte[], byte[], byte[], Object> {

    private static final Logger LOG = Logger.getLogger(GeotagProcessor.class);
    /** Records without a key are ordered among themselves, as one key. */
    private static final ByteBuffer NO_KEY = ByteBuffer.allocate(0);
    /** How long a stream thread waits for budget before it looks for answers of its own to hand on. */
    private static final Duration BUDGET_WAIT = Duration.ofMillis(10);
    private static final AttributeKey<String> MODEL = AttributeKey.stringKey("geoloc.model.name");
    private static final AttributeKey<Long> VERSION = AttributeKey.longKey("geoloc.model.version");
    private static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("geoloc.batch.size");
    private static final AttributeKey<String> DEAD_LETTER_CODE = AttributeKey.stringKey("geoloc.dead_letter.code");

    /**
     * An image waiting for its outcome, in the order its record came.
     *
     * @param decoded when its image was decoded; never completes for one refused before (it only times the trace
     *                and the prediction, and holds no tensor: the batcher lets go of that once it has run)
     * @param batched the batcher's own future of the image, once queued: cancelled, its batch skips it
     * @param stored  whether the pending store holds it (a record refused at intake is not stored)
     * @param cost    the bytes it holds of the in-flight budget, given back when it is handed on
     */
    private record InFlight(long sequence, PendingRecord pending, byte[] value, Taken taken, ImageEvent event,
                            CompletableFuture<DecodeTime> decoded, CompletableFuture<CompletableFuture<Outcome>> batched,
                            CompletableFuture<Outcome> outcome, boolean stored, long cost) {

        InFlight unstored() {
            return new InFlight(sequence, pending, value, taken, event, decoded, batched, outcome, false, cost);
        }

        Optional<DecodeTime> decodeTime() {
            return decoded.isDone() && !decoded.isCompletedExceptionally() ? Optional.of(decoded.join()) : Optional.empty();
        }

        /** The task closes: its batch, not yet run, skips it, and a decode still to come does not queue it. */
        void drop() {
            decoded.cancel(false);
            outcome.cancel(false);
            // The outcome is derived from the batcher's future, and a derived future's cancel goes no further back.
            batched.thenAccept(job -> job.cancel(false));
        }
    }

    /** When an image was taken, its record's headers, and its trace span from then on. */
    private record Taken(Headers headers, Instant at, long nanos, Span span) {
    }

    private final PipelineParts parts;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private ProcessorContext<byte[], Object> context;
    private KeyValueStore<Long, PendingRecord> pending;
    private Cancellable punctuation;
    private long nextSequence;

    GeotagProcessor(PipelineParts parts) {
        this.parts = parts;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        this.pending = context.getStateStore(GeotagTopology.PENDING_STORE);
        Map<Long, PendingRecord> restored = new LinkedHashMap<>();
        try (KeyValueIterator<Long, PendingRecord> all = pending.all()) {
            all.forEachRemaining(entry -> restored.put(entry.key, entry.value));
        }
        if (!restored.isEmpty()) {
            requeue(restored);
        }
    }

    /**
     * Records taken before a crash or a rebalance: their input offsets are committed, so only the store knows
     * them. Their values are read again from the input topic and they are queued in their old order.
     */
    private void requeue(Map<Long, PendingRecord> restored) {
        String clientId = context.applicationId() + "-reread-" + context.taskId();
        for (InputRereader.Reread reread : InputRereader.reread(context.appConfigs(), clientId, restored)) {
            nextSequence = Math.max(nextSequence, reread.sequence() + 1);
            PendingRecord record = reread.pending();
            // Outside the budget: what was in flight before the crash fitted the budget then, and init cannot
            // hand answers on to make room.
            Taken taken = take(reread.input().<Headers>map(ConsumerRecord::headers).orElseGet(RecordHeaders::new), record);
            enqueue(reread.input()
                    .map(input -> prepareAgain(reread.sequence(), record, input, taken))
                    .orElseGet(() -> new InFlight(reread.sequence(), record, null, taken, null,
                            new CompletableFuture<>(), new CompletableFuture<>(), CompletableFuture.completedFuture(new Outcome.Failed(DeadLetterCode.UNKNOWN,
                                    "The event was pending when its processor stopped, and the log no longer has it at "
                                            + record.place()
                                            + " (retention, or the topic was truncated)")), true, 0)));
        }
        LOG.infof("Task %s: %d images were pending in its store; read again and queued", context.taskId(),
                restored.size());
    }

    /** As {@link #process} judged it the first time: a key over the limit makes it a dead letter again. */
    private InFlight prepareAgain(long sequence, PendingRecord taken, ConsumerRecord<byte[], byte[]> input, Taken when) {
        IntakeLimits limits = parts.limits();
        return limits.keyTooLong(input.key())
                ? refused(sequence, taken, input.value(), when, null, limits.keyRejection(input.key(), taken.place()), 0)
                : prepare(sequence, taken, input.value(), when, 0);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        parts.metrics().eventIn();
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        byte[] key = record.key();
        IntakeLimits limits = parts.limits();
        // An over-long key goes no further, not even into the pending store, whose changelog would refuse it too.
        boolean keyTooLong = limits.keyTooLong(key);
        PendingRecord taken = new PendingRecord(origin.topic(), origin.partition(), origin.offset(), record.timestamp(),
                keyTooLong ? IntakeLimits.standInKey(key) : key);
        long cost = takeBudget(record.value());
        long sequence = nextSequence++;
        // A copy: the record's own headers belong to Kafka Streams.
        Taken when = take(new RecordHeaders(record.headers().toArray()), taken);
        InFlight image;
        try {
            image = keyTooLong
                    ? refused(sequence, taken, record.value(), when, null, limits.keyRejection(key, taken.place()), cost)
                    : prepare(sequence, taken, record.value(), when, cost);
        } catch (RuntimeException e) {
            parts.budget().give(cost); // the task fails and reads the record again: it takes its bytes anew
            throw e;
        }
        if (refusedAtIntake(image) && inFlight.isEmpty()) {
            emit(image.unstored()); // nothing of this task ahead of it: out now, nothing to store
            return;
        }
        // Stored even when refused: behind earlier images its dead letter waits its turn, and a crash meanwhile
        // must not lose it.
        pending.put(sequence, taken);
        enqueue(image);
        emitDone();
    }

    /**
     * Waits until the in-flight budget has room for the record, handing on this task's finished answers meanwhile
     * (they give theirs back); returns the bytes taken. A task with nothing in flight cannot make room itself, and
     * other tasks of its stream thread hand theirs on only between its calls: once every image in flight is answered,
     * it takes the bytes beyond the budget instead of waiting.
     */
    private long takeBudget(byte[] value) {
        InFlightBudget budget = parts.budget();
        long cost = budget.costOf(value);
        try {
            while (!budget.tryTake(cost, BUDGET_WAIT)) {
                if (!parts.batcher().isAlive()) {
                    throw new BatcherStoppedException("the inference batcher has stopped");
                }
                if (parts.batcher().degraded().isPresent()) {
                    // The model fails: nothing will give bytes back until it recovers, and waiting here would
                    // outlive the transaction. The topology pauses within moments (PauseWhileModelFails).
                    budget.overdraw(cost);
                    break;
                }
                emitDone();
                if (inFlight.isEmpty() && parts.decodes().idle() && parts.batcher().idle()) {
                    // Nothing of this task is in flight and nothing anywhere waits for a decode or the model: the
                    // bytes are held by answers that other tasks hand on, those of this stream thread only once this
                    // call returns. Waiting would wait for ever, so take this one record beyond the budget.
                    budget.overdraw(cost);
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatcherStoppedException("interrupted while waiting for room in flight");
        }
        return cost;
    }

    private static boolean refusedAtIntake(InFlight image) {
        return image.outcome().isDone() && !image.outcome().isCompletedExceptionally()
                && image.outcome().getNow(null) instanceof Outcome.Failed;
    }

    /**
     * Decodes and checks one event, and sends its image on its way: fetched on the fetch pool when the event gives a
     * URI, decoded on the decode pool, then queued for its batch; a rejection is an outcome already complete. The
     * stream thread waits for none of it: a slow server or a large photo holds no partition.
     */
    private InFlight prepare(long sequence, PendingRecord taken, byte[] value, Taken when, long cost) {
        ImageEvent event = null;
        try {
            event = parts.decoder().decode(taken.topic(), value);
            ServingSet models = parts.models().serving()
                    .orElseThrow(() -> new BatcherStoppedException("no model is loaded"));
            Route route = models.routeOf(routingKey(event, taken.key()));
            ImagePreprocessor preprocessor = models.answering(route).predictor().preprocessor();
            CompletableFuture<byte[]> image = event.getContent() instanceof ImageUri uri
                    ? parts.images().fetch(uri.getUri())
                    : CompletableFuture.completedFuture(ImageSource.inline((InlineImage) event.getContent()));
            CompletableFuture<DecodeTime> decoded = new CompletableFuture<>();
            CompletableFuture<CompletableFuture<Outcome>> batched = new CompletableFuture<>();
            CompletableFuture<Outcome> outcome = image
                    .thenCompose(encoded -> parts.decodes().decode(preprocessor, encoded)
                            .thenCompose(done -> {
                                if (!decoded.complete(done.time())) {
                                    return CompletableFuture.failedFuture(new CancellationException("its task closed"));
                                }
                                CompletableFuture<Outcome> job = submit(done.tensor(), preprocessor.spec(), encoded, route);
                                batched.complete(job);
                                return job;
                            }))
                    .exceptionallyCompose(GeotagProcessor::notPredicted);
            return new InFlight(sequence, taken, value, when, event, decoded, batched, outcome, true, cost);
        } catch (Rejection e) {
            return refused(sequence, taken, value, when, event, e, cost);
        }
    }

    /** Hands the decoded image to the batcher, on the decode thread; a stop fails the future. */
    private CompletableFuture<Outcome> submit(float[] tensor, Preprocessing spec, byte[] encoded, Route route) {
        try {
            return parts.batcher().submit(tensor, spec, encoded, route);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new BatcherStoppedException("interrupted while queueing an image"));
        }
    }

    /**
     * A fetch or a decode refused is its dead letter; a stopped batcher or a closed task stays a failure (the image
     * waits in the pending store for whoever runs the task next); anything else off the stream thread is a dead
     * letter too, not an image that waits for ever.
     */
    private static CompletionStage<Outcome> notPredicted(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof Rejection rejection) {
            return CompletableFuture.completedFuture(new Outcome.Failed(rejection.code(), rejection.reason()));
        }
        if (cause instanceof BatcherStoppedException || cause instanceof CancellationException) {
            return CompletableFuture.failedFuture(cause);
        }
        return CompletableFuture.completedFuture(new Outcome.Failed(DeadLetterCode.UNKNOWN,
                "Fetching or decoding the image failed: " + cause));
    }

    private static InFlight refused(long sequence, PendingRecord taken, byte[] value, Taken when, ImageEvent event,
                                    Rejection why, long cost) {
        return new InFlight(sequence, taken, value, when, event, new CompletableFuture<>(), new CompletableFuture<>(),
                CompletableFuture.completedFuture(new Outcome.Failed(why.code(), why.reason())), true, cost);
    }

    /** Queues an image for emission, polling for outcomes only while something waits: an idle task commits nothing. */
    private void enqueue(InFlight image) {
        inFlight.add(image);
        if (punctuation == null) {
            punctuation = context.schedule(parts.resultPollInterval(), PunctuationType.WALL_CLOCK_TIME, now -> emitDone());
        }
    }

    /**
     * Emits every image whose outcome is known and that no earlier image of the same key still waits for: a key's
     * answers keep their input order, while an image fetched from a slow server holds back only its own key's.
     */
    private void emitDone() {
        Set<ByteBuffer> waitingKeys = Set.of(); // until an image waits: most calls find the line done or empty
        Iterator<InFlight> images = inFlight.iterator();
        while (images.hasNext()) {
            InFlight image = images.next();
            ByteBuffer key = keyOf(image);
            // Completed exceptionally: the batcher stopped. The image stays pending for whoever runs this task
            // next, and liveness reports the stopped batcher.
            if (image.outcome().isDone() && !image.outcome().isCompletedExceptionally() && !waitingKeys.contains(key)) {
                images.remove();
                emit(image);
            } else {
                if (waitingKeys.isEmpty()) {
                    waitingKeys = new HashSet<>();
                }
                waitingKeys.add(key);
            }
        }
        if (inFlight.isEmpty() && punctuation != null) {
            punctuation.cancel();
            punctuation = null;
        }
    }

    private static ByteBuffer keyOf(InFlight image) {
        byte[] key = image.pending().key();
        return key == null ? NO_KEY : ByteBuffer.wrap(key);
    }

    /** An image's trace begins when its record is taken, under the context its headers carry. */
    private Taken take(Headers headers, PendingRecord record) {
        Instant at = Instant.now();
        return new Taken(headers, at, System.nanoTime(),
                parts.tracing().start(headers, record.topic(), record.partition(), record.offset(), at));
    }

    private void emit(InFlight done) {
        Outcome outcome = done.outcome().join();
        Taken taken = done.taken();
        // With tracing off (the default) the span records nothing: skip the steps' clocks and attributes.
        boolean traced = taken.span().isRecording();
        if (traced) {
            traceSteps(done, outcome);
        }
        Instant handing = traced ? Instant.now() : null;
        if (outcome instanceof Outcome.Predicted predicted) {
            predict(done, predicted);
        } else if (outcome instanceof Outcome.Failed failed) {
            deadLetter(done, failed);
        }
        if (traced) {
            parts.tracing().step(taken.span(), "produce", handing, Duration.between(handing, Instant.now()),
                    Attributes.empty());
        }
        taken.span().end();
        if (done.stored()) {
            pending.delete(done.sequence());
        }
        parts.budget().give(done.cost());
    }

    /**
     * The image's steps up to its outcome: its decode on the decode pool, then, for a prediction, its batch's queue
     * wait and inference (timed on the inference thread); a dead letter's span names its code.
     */
    private void traceSteps(InFlight done, Outcome outcome) {
        Taken taken = done.taken();
        Optional<DecodeTime> decode = done.decodeTime();
        decode.ifPresent(time -> parts.tracing().step(taken.span(), "decode", taken.at().plusNanos(time.startedNanos()
                - taken.nanos()), Duration.ofNanos(time.nanos()), Attributes.empty()));
        if (outcome instanceof Outcome.Predicted predicted) {
            Instant decoded = taken.at().plusNanos(decode.map(time -> time.startedNanos() + time.nanos() - taken.nanos())
                    .orElse(0L));
            Attributes model = Attributes.of(MODEL, predicted.model().name(), VERSION, (long) predicted.model().version(),
                    BATCH_SIZE, (long) predicted.batchSize());
            parts.tracing().step(taken.span(), "queue wait", decoded, Duration.ofNanos(predicted.queueNanos()), model);
            parts.tracing().step(taken.span(), "inference", decoded.plusNanos(predicted.queueNanos()),
                    Duration.ofNanos(predicted.inferenceNanos()), model);
        } else if (outcome instanceof Outcome.Failed failed) {
            taken.span().setAttribute(DEAD_LETTER_CODE, failed.code().name());
        }
    }

    /**
     * A record of the image's answer under {@code key}: its timestamp, and its input's headers (an uploader's own
     * among them) with the trace context now the image's span.
     */
    private <V> Record<byte[], V> answer(InFlight image, byte[] key, V value) {
        Headers headers = new RecordHeaders(image.taken().headers().toArray());
        parts.tracing().handOn(image.taken().span(), headers);
        return new Record<>(key, value, image.pending().timestamp(), headers);
    }

    private void predict(InFlight done, Outcome.Predicted predicted) {
        Instant now = Instant.now();
        RegionPrediction prediction;
        try {
            prediction = PredictionRecords.of(done.event(), predicted, decodeNanos(done), now);
        } catch (RuntimeException e) {
            // Never retry what cannot be written: that would stop the partition for good.
            deadLetter(done, new Outcome.Failed(DeadLetterCode.MALFORMED_RECORD,
                    "The prediction could not be written for this event: " + e));
            return;
        }
        context.forward(answer(done, done.pending().key(), prediction), GeotagTopology.PREDICTIONS_SINK);
        parts.metrics().predictionOut(predicted.model().name(), predicted.model().version(),
                Duration.ofMillis(now.toEpochMilli() - done.event().getUploadTime().toEpochMilli()),
                Duration.ofNanos(System.nanoTime() - done.taken().nanos()));
        parts.rollout().answered(predicted.model(), prediction);
        predicted.shadow().ifPresent(shadow -> shadow(done, predicted, shadow, prediction, now));
        CaptureGroup group = done.event().getCaptureGroup();
        if (group != null) {
            GeoPoint truth = done.event().getGroundTruth();
            view(done, new ViewAnswer(group.getGroupId(), group.getSize(), done.event().getImageId(), heading(group),
                    predicted.model().name(), predicted.model().version(),
                    predicted.model().predictor().catalog().hash(), predicted.prediction().probabilities(),
                    Optional.ofNullable(truth).map(point -> new LatLon(point.getLatitude(), point.getLongitude()))));
        }
    }

    /** A photo of a capture group: its answer goes on to the task that fuses the group, in the same transaction. */
    private static long decodeNanos(InFlight done) {
        return done.decodeTime().map(DecodeTime::nanos).orElse(0L);
    }

    private void view(InFlight done, ViewAnswer view) {
        context.forward(answer(done, view.groupId().getBytes(StandardCharsets.UTF_8), view),
                GeotagTopology.PANORAMA_VIEWS_SINK);
    }

    private static OptionalInt heading(CaptureGroup group) {
        return group.getHeading() == null ? OptionalInt.empty() : OptionalInt.of(group.getHeading());
    }

    /**
     * What decides an image's route to the canary: its capture group when it has one, so that every view of a
     * panorama meets the same model and can be fused; else its record key.
     */
    private static byte[] routingKey(ImageEvent event, byte[] key) {
        return event != null && event.getCaptureGroup() != null
                ? event.getCaptureGroup().getGroupId().getBytes(StandardCharsets.UTF_8) : key;
    }

    /** The shadow's answer goes to the shadow topic, in the same transaction; a record it cannot make is dropped. */
    private void shadow(InFlight done, Outcome.Predicted predicted, Outcome.Shadowed shadow, RegionPrediction answer,
                        Instant now) {
        RegionPrediction shadowed;
        try {
            shadowed = PredictionRecords.of(done.event(), new Outcome.Predicted(shadow.image(), shadow.model(),
                    predicted.route(), predicted.batchSize(), predicted.queueNanos(), predicted.inferenceNanos(),
                    Optional.empty()), decodeNanos(done), now);
        } catch (RuntimeException e) {
            parts.metrics().shadowFailed();
            return;
        }
        context.forward(answer(done, done.pending().key(), shadowed), GeotagTopology.SHADOW_PREDICTIONS_SINK);
        parts.rollout().shadowed(shadow.model(), shadowed, answer);
    }

    private void deadLetter(InFlight image, Outcome.Failed failed) {
        PendingRecord origin = image.pending();
        context.forward(answer(image, origin.key(), parts.deadLetters().of(origin.topic(), origin.partition(),
                origin.offset(), origin.key(), image.value(), failed.code(), failed.reason())),
                GeotagTopology.DEAD_LETTERS_SINK);
        parts.metrics().deadLetter(failed.code());
        // Counted against the model its key routes to: a canary that turns images into dead letters is judged by it.
        parts.models().serving().ifPresent(models -> parts.rollout()
                .deadLetter(models.answering(models.routeOf(routingKey(image.event(), origin.key())))));
        if (image.event() != null && image.event().getCaptureGroup() != null) {
            // Its group need not wait for its window: this view has come, with nothing to fuse.
            CaptureGroup group = image.event().getCaptureGroup();
            view(image, ViewAnswer.failed(group.getGroupId(), group.getSize(), image.event().getImageId(), heading(group)));
        }
        LOG.debugf("Dead letter %s for %s/%d@%d: %s", failed.code(), origin.topic(), origin.partition(),
                origin.offset(), failed.reason());
    }

    @Override
    public void close() {
        if (punctuation != null) {
            punctuation.cancel();
            // Streams may init this same object again (a revived or regained task): it must schedule anew.
            punctuation = null;
        }
        // Whatever is still queued stays in the store, for the task's next owner; the batcher skips what is cancelled.
        inFlight.forEach(waiting -> {
            waiting.drop();
            parts.budget().give(waiting.cost());
        });
        inFlight.clear();
    }
}
